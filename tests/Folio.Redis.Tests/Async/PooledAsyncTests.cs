using Folio.Redis.Tests.Infrastructure;
using NUnit.Framework;

namespace Folio.Redis.Tests.Async;

/// <summary>A generated class with async methods, for one pooled object shared by many callers.</summary>
[PagedDatabase(PageSize = 4096)]
[RedisStorage]
[Migration(1, "CREATE TABLE hit(id INTEGER PRIMARY KEY, caller INTEGER NOT NULL, n INTEGER NOT NULL)")]
public partial class PooledCounterDb
{
    [Execute("INSERT INTO hit(caller, n) VALUES ($caller, $n)")]
    public partial Task RecordAsync(int caller, int n, CancellationToken cancellationToken = default);

    [Query("SELECT count(*) FROM hit WHERE caller = $caller")]
    public partial Task<long> CountAsync(int caller, CancellationToken cancellationToken = default);

    [Query("SELECT count(*) FROM hit")]
    public partial long Total();
}

/// <summary>
/// One pooled object over a shared (not owned) Redis store, used by 300 concurrent async callers
/// on the default thread pool: every write lands once, and no thread waits on Redis meanwhile
/// (counted, as in <see cref="BlockedThreadsTests"/>, not timed).
/// </summary>
public sealed class PooledAsyncTests
{
    private const int Callers = 300;
    private const int Calls = 6;

    [Test]
    public async Task ThreeHundredCallersShareOnePooledObjectWithoutExtraThreads()
    {
        using var redis = SharedRedis.Connect();
        using var db = PooledCounterDb.Open(redis, SharedRedis.NewName("pooled"), new FolioOptions { MaxConnections = 8 });
        Assert.That(db.IsPooled, Is.True);
        var bound = 2 * Environment.ProcessorCount + 32;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        using (var sampler = new ThreadPeakSampler())
        {
            await Task.WhenAll(Enumerable.Range(0, Callers).Select(async caller =>
            {
                await Task.Yield();
                for (var n = 0; n < Calls; n++)
                {
                    try
                    {
                        if (n % 3 == 2)
                        {
                            await db.RecordAsync(caller, n);
                        }
                        else
                        {
                            _ = await db.CountAsync(caller);
                        }
                    }
                    catch (FolioException e)
                    {
                        failures.Enqueue(e);
                    }
                }
            })).WaitAsync(TimeSpan.FromMinutes(5));
            TestContext.Out.WriteLine($"threads before {sampler.Before}, peak {sampler.Peak} (+{sampler.Growth}, bound {bound}); {db.Statistics}");
            Assert.That(failures, Is.Empty, () => string.Join("\n", failures.Take(5)));
            Assert.That(sampler.Growth, Is.LessThanOrEqualTo(bound), "the pooled async path held threads while waiting");
        }
        Assert.That(db.Total(), Is.EqualTo(Callers * (Calls / 3)));
        Assert.That(await db.CountAsync(7), Is.EqualTo(Calls / 3));
        Assert.That(db.Statistics.Conflicts, Is.Zero, "writers of one process queue instead of losing to each other at the store");
    }
}
