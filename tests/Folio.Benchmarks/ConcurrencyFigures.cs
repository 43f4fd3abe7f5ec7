using Folio.Redis;
using Folio.Redis.Tests.Infrastructure;
using Folio.Testing;

namespace Folio.Benchmarks;

/// <summary>
/// Many concurrent callers over many owned, warm Redis databases on the default thread pool (its
/// minimum is never raised), 80% point reads and 20% one-row inserts: through the async methods,
/// then the same work through the sync methods from as many thread-pool tasks.
/// </summary>
public static class ConcurrencyFigures
{
    private const int CallsPerCaller = 10;

    public static void Run(int callers, int databases)
    {
        using var server = RedisServer.Start();
        var cores = Environment.ProcessorCount;

        var (run, growth) = Measure(server, callers, databases, useAsync: true);
        var (sync, syncGrowth) = Measure(server, callers, databases, useAsync: false);

        QuickHarness.Figure("async.ops-per-s", run.OperationsPerSecond, $"{callers} callers over {databases} databases, {run.Operations} calls in {run.Elapsed.TotalSeconds:F2} s, {run.Failures.Count} failed");
        QuickHarness.Figure("sync.ops-per-s", sync.OperationsPerSecond, $"{sync.Operations} calls in {sync.Elapsed.TotalSeconds:F2} s, {sync.Failures.Count} failed ({sync.Timeouts} timeouts), p99 {sync.Percentile(99):F1} ms, +{syncGrowth} threads");
        Console.WriteLine($"ratio async/sync.ops-per-s = {run.OperationsPerSecond / sync.OperationsPerSecond:F3}");
        Console.Error.WriteLine("  (async/sync.ops-per-s: goal >= 5)");
        QuickHarness.Figure("async.peak-threads", growth, $"peak thread count less the count before the run; goal <= 2 x cores + 16 = {2 * cores + 16}");
        QuickHarness.Figure("async.p99-ms", run.Percentile(99), $"p50 {run.Percentile(50):F2} ms");
        QuickHarness.Figure("async.timeouts", run.Timeouts, "goal 0");
    }

    /// <summary>One run on fresh databases and a connection of its own; returns the result and the thread growth.</summary>
    private static (FleetResult Result, int ThreadGrowth) Measure(RedisServer server, int callers, int databases, bool useAsync)
    {
        using var redis = RedisPageStore.Connect(server.Configuration);
        using var fleet = OwnedFleet.OpenAsync(redis, databases).GetAwaiter().GetResult();
        using var sampler = new ThreadPeakSampler();
        var result = fleet.RunAsync(callers, CallsPerCaller, useAsync).GetAwaiter().GetResult();
        return (result, sampler.Growth);
    }
}
