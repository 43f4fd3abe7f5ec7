using System.Diagnostics;

namespace Folio.Testing;

/// <summary>
/// A Folio connection driven line by line from another process, so identity tests can run each
/// "process" as a real OS process. Commands on stdin, one answer line each on stdout:
/// <c>exec SQL</c> (answers <c>ok</c>), <c>scalar SQL</c> (answers <c>value TEXT</c>),
/// <c>quit</c>; any failure answers <c>error TYPE MESSAGE</c> on one line and the loop goes on.
/// </summary>
public static class InteractiveChild
{
    /// <summary>Serves commands on <paramref name="connect"/>'s connection until stdin ends or <c>quit</c>.</summary>
    public static int Serve(Func<FolioConnection> connect)
    {
        FolioConnection? connection = null;
        try
        {
            Console.WriteLine("ready");
            while (Console.ReadLine() is { } line && line != "quit")
            {
                Console.WriteLine(Answer(line, () => connection ??= connect()));
            }
            return 0;
        }
        finally
        {
            connection?.Dispose();
        }
    }

    private static string Answer(string line, Func<FolioConnection> connection)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var (command, sql) = space < 0 ? (line, "") : (line[..space], line[(space + 1)..]);
        try
        {
            switch (command)
            {
                case "exec":
                    connection().Execute(sql);
                    return "ok";
                case "scalar":
                    return "value " + Convert.ToString(connection().ExecuteScalar(sql), System.Globalization.CultureInfo.InvariantCulture);
                default:
                    return $"error ArgumentException unknown command '{command}'";
            }
        }
        catch (Exception e)
        {
            return $"error {e.GetType().Name} {e.Message.ReplaceLineEndings(" ")}";
        }
    }
}

/// <summary>The test's side of an <see cref="InteractiveChild"/>: starts the program and sends it commands.</summary>
public sealed class InteractiveChildProcess : IDisposable
{
    private readonly Process _process;

    /// <summary>Starts <c>dotnet <paramref name="program"/> <paramref name="args"/></c> and waits for its <c>ready</c>.</summary>
    public InteractiveChildProcess(string program, params string[] args)
    {
        _process = DotnetProcess.Start(program, args);
        var first = _process.StandardOutput.ReadLine();
        if (first != "ready")
        {
            throw new InvalidOperationException($"{program} did not start: '{first}' {_process.StandardError.ReadToEnd()}");
        }
    }

    /// <summary>Runs <paramref name="sql"/> in the child; returns its answer line (<c>ok</c> or <c>error TYPE MESSAGE</c>).</summary>
    public string Exec(string sql) => Send("exec " + sql);

    /// <summary>Runs <paramref name="sql"/> in the child; returns <c>value TEXT</c> or <c>error TYPE MESSAGE</c>.</summary>
    public string Scalar(string sql) => Send("scalar " + sql);

    private string Send(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
        return _process.StandardOutput.ReadLine() ?? throw new InvalidOperationException($"the child ended: {_process.StandardError.ReadToEnd()}");
    }

    /// <summary>Asks the child to quit and waits for it (killing it after a minute).</summary>
    public void Dispose()
    {
        try
        {
            _process.StandardInput.WriteLine("quit");
            _process.StandardInput.Flush();
        }
        catch (IOException)
        {
            // already gone
        }
        if (!_process.WaitForExit(TimeSpan.FromMinutes(1)))
        {
            _process.Kill();
        }
        _process.Dispose();
    }
}
