using System.Diagnostics;
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
            output.WriteLine(line);
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
    /// <param name="open">Opens a connection (and the database first, when it is not open).</param>
    /// <param name="reset">Closes the database, so the next <paramref name="open"/> opens it anew: after a lost ownership or a changed history the store refuses every call.</param>
    /// <param name="database">The database's name in the history.</param>
    /// <param name="model">The workload model.</param>
    /// <param name="client">The client's id.</param>
    /// <param name="recorder">Where the operations go.</param>
    /// <param name="stop">Whether to stop before the next transaction.</param>
    public static void Run(Func<FolioConnection> open, Action reset, string database, string model, int client, IRecorder recorder, Func<bool> stop)
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
                    recorder.Complete(invocation, Workload.Classify(e, committing), null, string.Join("/", Chain(e).Select(x => x.GetType().Name)) + ": " + Shorten(e.Message));
                    var refused = Chain(e).Any(x => x is OwnershipLostException or HistoryChangedException);
                    if (refused || !RolledBack(connection))
                    {
                        connection.Dispose();
                        connection = null;
                    }
                    if (refused)
                    {
                        reset();
                    }
                    // A lost race is retried at once, as applications do; an outage is given a moment.
                    Thread.Sleep(e is FolioException { IsBusy: true } ? random.Next(0, 2) : random.Next(5, 25));
                }
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }

    private static IEnumerable<Exception> Chain(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            yield return e;
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
