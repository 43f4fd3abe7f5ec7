using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Folio.Testing;

namespace Folio.Torture.Tests;

/// <summary>
/// A running Folio.TestChild: reads its acknowledgements as they arrive and kills it with SIGKILL.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly Thread _reader;
    private readonly TaskCompletionSource<long> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task<string> _stderr;
    private long _lastAcknowledged;

    private ChildProcess(Process process)
    {
        _process = process;
        _stderr = process.StandardError.ReadToEndAsync();
        _reader = new Thread(ReadAcknowledgements) { IsBackground = true, Name = "child stdout" };
        _reader.Start();
    }

    /// <summary>The child's dll, built beside the tests (see the project file).</summary>
    public static string DllPath { get; } = typeof(ChildProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "FolioTestChild").Value!;

    /// <summary>The highest sequence number the child printed (0 when none).</summary>
    public long LastAcknowledged => Interlocked.Read(ref _lastAcknowledged);

    /// <summary>Completes with the last sequence number the child found when it opened the store.</summary>
    public Task<long> Ready => _ready.Task;

    public bool HasExited => _process.HasExited;

    public static ChildProcess StartAppender(string storePath, string mode)
    {
        if (!File.Exists(DllPath))
        {
            throw new FileNotFoundException($"Folio.TestChild is not built at {DllPath}", DllPath);
        }
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(DllPath);
        start.ArgumentList.Add("append");
        start.ArgumentList.Add(storePath);
        start.ArgumentList.Add(mode);
        return new ChildProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"));
    }

    /// <summary>SIGKILL, then waits until every line the child wrote is read (a child that exited by itself shows in ExitedByItself).</summary>
    public void Kill()
    {
        DotnetProcess.KillAndWait(_process);
        _reader.Join();
    }

    /// <summary>What the child wrote on stderr (after it exited).</summary>
    public string StandardError => _stderr.Wait(TimeSpan.FromSeconds(10)) ? _stderr.Result : "(stderr not closed)";

    public int ExitCode => _process.ExitCode;

    /// <summary>Set when the child's output broke the protocol (acknowledgements out of order, garbage).</summary>
    public string? ProtocolError { get; private set; }

    private void ReadAcknowledgements()
    {
        try
        {
            while (_process.StandardOutput.ReadLine() is { } line)
            {
                if (line.StartsWith("ready ", StringComparison.Ordinal))
                {
                    _ready.TrySetResult(long.Parse(line[6..], CultureInfo.InvariantCulture));
                    continue;
                }
                var seq = long.Parse(line, CultureInfo.InvariantCulture);
                // Acknowledgements must arrive in order, one more each time.
                var previous = Interlocked.Exchange(ref _lastAcknowledged, seq);
                if (previous != 0 && seq != previous + 1)
                {
                    throw new InvalidOperationException($"the child acknowledged {seq} after {previous}");
                }
            }
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            ProtocolError = e.Message;
            _ready.TrySetException(e);
            return;
        }
        _ready.TrySetException(new InvalidOperationException("the child closed its output before it was ready"));
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }
        _process.Dispose();
    }
}
