using System.Diagnostics;
using System.Globalization;
using Folio.Testing;

namespace Folio.Chaos;

/// <summary>
/// A client running as its own OS process (this program in client mode): its lines become
/// operations of the history as they arrive. <see cref="Kill"/> sends SIGKILL; the operation it
/// was running stays unknown.
/// </summary>
internal sealed class ChildClient : IDisposable
{
    private readonly Process _process;
    private readonly Thread _reader;
    private readonly Task<string> _stderr;
    private readonly Dictionary<string, Op> _open = [];
    private readonly History _history;
    private readonly ManualResetEventSlim _killed = new();
    private long _commitMarks;
    private int _killArmed;

    private ChildClient(Process process, History history, int client)
    {
        _process = process;
        _history = history;
        Client = client;
        _stderr = process.StandardError.ReadToEndAsync();
        _reader = new Thread(Read) { IsBackground = true, Name = $"chaos child {client}" };
        _reader.Start();
    }

    public int Client { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>How many store commits the child has started (only when started with <c>--mark-commits</c>).</summary>
    public long CommitMarks => Interlocked.Read(ref _commitMarks);

    /// <summary>Set when the child's output broke the protocol.</summary>
    public string? ProtocolError { get; private set; }

    public static ChildClient Start(History history, string storeSpec, string database, string model, int client, bool markCommits)
    {
        var program = typeof(ChildClient).Assembly.Location;
        string[] args = ["client", storeSpec, database, model, client.ToString(CultureInfo.InvariantCulture), .. markCommits ? new[] { "--mark-commits" } : []];
        return new ChildClient(DotnetProcess.Start(program, args), history, client);
    }

    /// <summary>SIGKILL, then waits until every line it wrote is read.</summary>
    public void Kill()
    {
        DotnetProcess.KillAndWait(_process);
        _reader.Join();
    }

    /// <summary>Stops the child with SIGSTOP for <paramref name="pause"/>, then continues it; false when it had exited.</summary>
    public bool Pause(TimeSpan pause)
    {
        if (_process.HasExited || kill(_process.Id, SigStop) != 0)
        {
            return false;
        }
        try
        {
            Thread.Sleep(pause);
        }
        finally
        {
            _ = kill(_process.Id, SigCont);
        }
        return true;
    }

    private const int SigStop = 19;
    private const int SigCont = 18;

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    /// <summary>SIGKILLs the child as soon as it reports a store commit starting; false when none started within the timeout.</summary>
    public bool KillAtNextCommit(TimeSpan timeout)
    {
        _killed.Reset();
        Interlocked.Exchange(ref _killArmed, 1);
        var killed = _killed.Wait(timeout);
        Interlocked.Exchange(ref _killArmed, 0);
        return killed;
    }

    /// <summary>Asks the child to stop after its current transaction (its stdin closes), killing it if it does not within the timeout.</summary>
    public void Stop(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(timeout))
            {
                Kill();
            }
        }
        _process.WaitForExit();
        _reader.Join();
    }

    /// <summary>What the child wrote on stderr, once it exited.</summary>
    public string StandardError => _stderr.Wait(TimeSpan.FromSeconds(5)) ? _stderr.Result : "(stderr not closed)";

    public int ExitCode => _process.ExitCode;

    private void Read()
    {
        // A SIGKILL can cut the last line short: a line that does not parse is an error only when another follows it.
        string? torn = null;
        while (_process.StandardOutput.ReadLine() is { } line)
        {
            if (torn is not null)
            {
                ProtocolError ??= $"unexpected line from child client {Client}: '{torn}'";
            }
            torn = Parse(line) ? null : line;
        }
    }

    private bool Parse(string line)
    {
        var fields = line.Split('\t');
        try
        {
            switch (fields[0])
            {
                case "m" when fields.Length == 2:
                    Interlocked.Increment(ref _commitMarks);
                    if (Interlocked.Exchange(ref _killArmed, 0) == 1)
                    {
                        // Right here, on the line's arrival: the child is inside the store's commit.
                        _process.Kill(entireProcessTree: false);
                        _killed.Set();
                    }
                    return true;
                case "i" when fields.Length == 5:
                    var steps = Steps(fields[4]);
                    _open[fields[1]] = _history.Invoke(fields[3], Client, steps, long.Parse(fields[2], CultureInfo.InvariantCulture));
                    return true;
                case "c" when fields.Length == 6 && _open.TryGetValue(fields[1], out var op):
                    var outcome = Enum.Parse<Outcome>(fields[3]);
                    var results = outcome == Outcome.Ok ? Steps(fields[4]) : null;
                    var at = long.Parse(fields[2], CultureInfo.InvariantCulture);
                    _open.Remove(fields[1]);
                    History.Complete(op, outcome, results, fields[5].Length == 0 ? null : fields[5], at);
                    return true;
                default:
                    return false;
            }
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException or IndexOutOfRangeException)
        {
            return false;
        }
    }

    private static Mop[] Steps(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Mop.Parse).ToArray();

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }
        _process.Dispose();
        _killed.Dispose();
    }
}
