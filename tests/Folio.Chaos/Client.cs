using System.Diagnostics;
using System.Globalization;
using SQLitePCL;

namespace Folio.Chaos;

/// <summary>Where a client records its operations: the history itself, or a child's standard output.</summary>
internal interface IRecorder
{
    object Invoke(string database, IReadOnlyList<Mop> mops);

    void Complete(object invocation, Outcome outcome, IReadOnlyList<Mop>? results, string? error);
}

/// <summary>Records straight into the harness's history (a client thread).</summary>
internal sealed class HistoryRecorder(History history, int client) : IRecorder
{
    public object Invoke(string database, IReadOnlyList<Mop> mops) => history.Invoke(database, client, mops);

    public void Complete(object invocation, Outcome outcome, IReadOnlyList<Mop>? results, string? error) =>
        History.Complete((Op)invocation, outcome, results, error);
}

/// <summary>
/// Writes each invocation and completion as a line, flushed at once, for the harness to read
/// (a child process): <c>i⇥n⇥timestamp⇥database⇥steps</c> and <c>c⇥n⇥timestamp⇥outcome⇥steps⇥error</c>.
/// </summary>
internal sealed class LineRecorder(TextWriter output) : IRecorder
{
    private long _next;

    public object Invoke(string database, IReadOnlyList<Mop> mops)
    {
        var n = ++_next;
        Write($"i\t{n}\t{Stopwatch.GetTimestamp()}\t{database}\t{string.Join(' ', mops)}");
        return n;
    }

    public void Complete(object invocation, Outcome outcome, IReadOnlyList<Mop>? results, string? error) =>
        Write($"c\t{invocation}\t{Stopwatch.GetTimestamp()}\t{outcome}\t{(results is null ? "" : string.Join(' ', results))}\t{Clean(error)}");

    private static string Clean(string? text) => (text ?? "").Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ');

    private void Write(string line)
    {
        lock (output)
        {
            output.WriteLine(line.ToString(CultureInfo.InvariantCulture));
            output.Flush();
        }
    }
}

/// <summary>
/// One client: runs transactions of a model on a database until stopped, each recorded before it
/// starts and when it ends. A connection an error left unusable is replaced by a new one.
/// </summary>
internal static class ClientLoop
{
    public static void Run(Func<FolioConnection> open, string database, string model, int client, IRecorder recorder, Func<bool> stop)
    {
        var random = new Random(client * 7919);
        FolioConnection? connection = null;
        try
        {
            for (long sequence = 0; !stop(); sequence++)
            {
                connection ??= TryOpen(open, stop);
                if (connection is null)
                {
                    return;
                }
                var mops = Workload.Next(model, random, client, sequence);
                var invocation = recorder.Invoke(database, mops);
                var committing = false;
                try
                {
                    var results = Workload.Execute(connection, mops, ref committing);
                    recorder.Complete(invocation, Outcome.Ok, results, null);
                }
                catch (Exception e) when (e is FolioException or IOException or InvalidOperationException or TimeoutException)
                {
                    recorder.Complete(invocation, Workload.Classify(e, committing), null, e.GetType().Name + ": " + Shorten(e.Message));
                    if (!RolledBack(connection))
                    {
                        connection.Dispose();
                        connection = null;
                    }
                }
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }

    private static FolioConnection? TryOpen(Func<FolioConnection> open, Func<bool> stop)
    {
        while (!stop())
        {
            try
            {
                return open();
            }
            catch (Exception e) when (e is FolioException or IOException or InvalidOperationException or TimeoutException)
            {
                // The store is down or the connection refused: the faults end, the clients go on.
                Thread.Sleep(50);
            }
        }
        return null;
    }

    private static bool RolledBack(FolioConnection connection)
    {
        if (raw.sqlite3_get_autocommit(connection.Handle) != 0)
        {
            return true;
        }
        try
        {
            connection.Execute("ROLLBACK");
            return true;
        }
        catch (FolioException)
        {
            return false;
        }
    }

    private static string Shorten(string message) => message.Length <= 300 ? message : message[..300] + "…";
}
