using Folio.Redis.Tests.Infrastructure;
using NUnit.Framework;

namespace Folio.Redis.Tests.Async;

/// <summary>
/// The async path holds no thread while it waits for Redis: 500 concurrent callers over 100
/// owned Redis databases on the default thread pool (its minimum is never raised) finish with
/// only a handful of threads more than the process had before.
/// </summary>
public sealed class BlockedThreadsTests
{
    private const int Databases = 100;
    private const int Callers = 500;
    private const int Calls = 10;

    [Test]
    public async Task FiveHundredAsyncCallersOverAHundredOwnedDatabasesNeedNoExtraThreads()
    {
        using var redis = SharedRedis.Connect();
        using var fleet = await OwnedFleet.OpenAsync(redis, Databases);

        // The bound: the pool's own threads (its minimum is one per core; it may add up to as many
        // again for work queued behind them), plus 32 for what the runtime and StackExchange.Redis
        // start on their own (timers, tiered compilation, socket readers after a reconnect). A call
        // that blocked a pool thread on Redis would make the pool inject threads for the 500 queued
        // callers: at least one every 0.5 s of starvation, and more for threads blocked in a
        // monitor, so a blocking path passes this bound within seconds (the sync path, run the same
        // way, is measured in docs/benchmarks.md). No timing is asserted.
        var bound = 2 * Environment.ProcessorCount + 32;
        FleetResult result;
        using (var sampler = new ThreadPeakSampler())
        {
            result = await fleet.RunAsync(Callers, Calls, useAsync: true).WaitAsync(TimeSpan.FromMinutes(5));
            TestContext.Out.WriteLine($"threads before {sampler.Before}, peak {sampler.Peak} (+{sampler.Growth}, bound {bound}); " +
                $"{result.Operations} calls in {result.Elapsed.TotalSeconds:F2} s, p99 {result.Percentile(99):F1} ms");
            Assert.That(result.Failures, Is.Empty, () => string.Join("\n", result.Failures.Take(5)));
            Assert.That(sampler.Growth, Is.LessThanOrEqualTo(bound), "the async path held threads while waiting");
        }

        for (var i = 0; i < Databases; i++)
        {
            var c = fleet.Connections[i];
            Assert.That(await c.ExecuteScalarAsync("SELECT count(*) FROM w"), Is.EqualTo(fleet.ExpectedWrites(i, Callers, Calls)), $"database {i}");
            Assert.That(await c.ExecuteScalarAsync("SELECT count(DISTINCT caller || '-' || i) FROM w"), Is.EqualTo(fleet.ExpectedWrites(i, Callers, Calls)), $"database {i}");
        }
        // Every write reached Redis: a cold reader of the last database sees them.
        using var cold = FolioDatabase.Open(RedisPageStore.Open(redis, fleet.Connections[^1].Database.Store.Name),
            new FolioOptions { ProcessScope = new object() }, ownsStore: true);
        using var check = cold.OpenConnection();
        Assert.That(check.ExecuteScalar("SELECT count(*) FROM w"), Is.EqualTo(fleet.ExpectedWrites(Databases - 1, Callers, Calls)));
    }
}
