using System.Diagnostics;

namespace Folio.Benchmarks;

/// <summary>
/// Parallel reads: point reads per second on two threads, each with its own connection to one
/// database, against one thread, for Folio's memory and file stores and for SQLite's memdb and
/// a native file beside them. 2.0 is perfect scaling on two cores.
/// </summary>
public static class ScalingFigures
{
    private const int Reads = 100_000;

    public static void Run(Workloads workloads)
    {
        foreach (var kind in new[] { "folio-memory", "memdb", "folio-file", "native-file" })
        {
            var (first, second) = workloads.Pair(kind);
            var one = Throughput([first]);
            var two = Throughput([first, second]);
            QuickHarness.Figure($"read.scaling.2-threads/1-thread.{kind}", two / one,
                $"{one:N0} reads/s on one thread, {two:N0} on two; goal >= 1.8 for Folio on an otherwise idle machine");
        }
    }

    /// <summary>Point reads per second with one thread per database, the best of three runs.</summary>
    private static double Throughput(Database[] databases)
    {
        foreach (var database in databases)
        {
            for (var i = 0; i < 2_000; i++)
            {
                database.PointRead(); // warm the cache and the code
            }
        }
        var best = 0.0;
        for (var run = 0; run < 3; run++)
        {
            using var start = new Barrier(databases.Length + 1);
            var threads = databases.Select(database => new Thread(() =>
            {
                start.SignalAndWait();
                for (var i = 0; i < Reads; i++)
                {
                    database.PointRead();
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            start.SignalAndWait();
            var clock = Stopwatch.StartNew();
            threads.ForEach(t => t.Join());
            best = Math.Max(best, databases.Length * Reads / clock.Elapsed.TotalSeconds);
        }
        return best;
    }
}
