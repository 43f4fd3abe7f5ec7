using NUnit.Framework;

namespace Folio.Redis.Tests.Async;

/// <summary>A generated class whose async methods write, for two processes' worth of objects over one Redis database.</summary>
[PagedDatabase(PageSize = 4096)]
[RedisStorage]
[Migration(1, "CREATE TABLE counter(id INTEGER PRIMARY KEY, n INTEGER NOT NULL); INSERT INTO counter VALUES (1, 0)")]
public partial class SharedCounterDb
{
    [Query("UPDATE counter SET n = n + 1 WHERE id = $id RETURNING n")]
    public partial Task<long> IncrementAsync(int id, CancellationToken cancellationToken = default);

    [Execute("UPDATE counter SET n = n + 1 WHERE id = $id")]
    public partial Task<int> BumpAsync(int id, CancellationToken cancellationToken = default);

    [Execute("INSERT INTO counter VALUES ($id, 0)")]
    public partial Task AddAsync(int id, CancellationToken cancellationToken = default);

    [Execute("WITH RECURSIVE s(x) AS (SELECT $first UNION ALL SELECT x + 1 FROM s WHERE x < $last) INSERT INTO counter SELECT x, 0 FROM s")]
    public partial Task AddRangeAsync(int first, int last, CancellationToken cancellationToken = default);

    [Execute("DELETE FROM counter WHERE id = $id")]
    public partial Task RemoveAsync(int id, CancellationToken cancellationToken = default);

    [Query("SELECT n FROM counter WHERE id = $id")]
    public partial Task<long> ReadAsync(int id, CancellationToken cancellationToken = default);

    [Query("UPDATE counter SET n = n + 1 WHERE id = $id RETURNING n")]
    public partial long Increment(int id);

    [Execute("UPDATE counter SET n = n + 1 WHERE id = $id")]
    public partial int Bump(int id);

    [Execute("INSERT INTO counter VALUES ($id, 0)")]
    public partial void Add(int id);

    [Execute("DELETE FROM counter WHERE id = $id")]
    public partial void Remove(int id);
}

/// <summary>
/// Shared-mode writes that skip the read start: a write starts on the newest version its process
/// knows, from its cached pages, and its commit expects that version. Two objects with separate
/// process scopes and Redis connections stand for two processes; round trips come from each
/// store's own counter.
/// </summary>
public sealed class AssumedWriteTests
{
    private readonly CounterProcesses _processes = new();

    [TearDown]
    public void Close() => _processes.Dispose();

    /// <summary>One "process": a Redis connection, a store and an object of their own.</summary>
    private Task<(SharedCounterDb Db, RedisPageStore Store)> OpenProcessAsync(string name) => _processes.OpenAsync(name);

    [Test]
    public async Task AWriteOnAWarmCacheCostsOneRoundTrip()
    {
        var (db, store) = await OpenProcessAsync(SharedRedis.NewName("assumed-warm"));
        Assert.That(await db.IncrementAsync(1), Is.EqualTo(1L)); // the first call learns that the method writes

        var (trips, assumed) = (store.RoundTrips, db.Statistics.AssumedReads);
        Assert.That(await db.IncrementAsync(1), Is.EqualTo(2L));
        Assert.That(store.RoundTrips - trips, Is.EqualTo(1), "the commit alone: no read start");
        Assert.That(db.Statistics.AssumedReads - assumed, Is.EqualTo(1));

        trips = store.RoundTrips;
        await db.TransactionAsync(async (d, ct) =>
        {
            await d.IncrementAsync(1, ct);
            await d.BumpAsync(1, ct);
        });
        Assert.That(store.RoundTrips - trips, Is.EqualTo(1), "a write transaction on a warm cache is its commit alone");

        trips = store.RoundTrips;
        Assert.That(await db.ReadAsync(1), Is.EqualTo(4L));
        Assert.That(store.RoundTrips - trips, Is.EqualTo(1), "a read still starts with a read start");
        Assert.That(db.Statistics.AssumedReads - assumed, Is.EqualTo(2), "reads never assume");
    }

    [Test]
    public async Task ARefusedAssumedCommitRunsAgainAndReturnsTheNewValues()
    {
        var name = SharedRedis.NewName("assumed-refused");
        var (a, aStore) = await OpenProcessAsync(name);
        var (b, _) = await OpenProcessAsync(name);
        Assert.That(await a.IncrementAsync(1), Is.EqualTo(1L));
        Assert.That(await b.IncrementAsync(1), Is.EqualTo(2L));
        Assert.That(await b.IncrementAsync(1), Is.EqualTo(3L));

        // A's cache is two commits behind: its assumed commit is refused, and the statement runs
        // again on a read start; RETURNING gives the value of the attempt that committed.
        var (trips, conflicts, assumed) = (aStore.RoundTrips, a.Statistics.Conflicts, a.Statistics.AssumedReads);
        Assert.That(await a.IncrementAsync(1), Is.EqualTo(4L));
        Assert.That(a.Statistics.AssumedReads - assumed, Is.EqualTo(1));
        Assert.That(a.Statistics.Conflicts - conflicts, Is.EqualTo(1), "the assumed commit was refused");
        Assert.That(aStore.RoundTrips - trips, Is.EqualTo(4), "the refused commit, a read start, the fetch of the page B changed, the commit");

        // The same in a transaction: what the refused attempt read never reaches the caller.
        Assert.That(await b.IncrementAsync(1), Is.EqualTo(5L));
        var runs = 0;
        var seen = await a.TransactionAsync(async (d, ct) =>
        {
            runs++;
            return await d.IncrementAsync(1, ct);
        });
        Assert.That((seen, runs), Is.EqualTo((6L, 2)));
        Assert.That(await b.ReadAsync(1), Is.EqualTo(6L));
    }

    [Test]
    public async Task APageRewrittenSinceTheAssumedVersionMakesTheCallStartOverOnAReadStart()
    {
        var name = SharedRedis.NewName("assumed-fetch");
        var (a, aStore) = await OpenProcessAsync(name);
        var (b, _) = await OpenProcessAsync(name);
        Assert.That(await a.IncrementAsync(1), Is.EqualTo(1L));
        await b.AddRangeAsync(2, 200_000); // hundreds of leaves A never reads
        Assert.That(await a.IncrementAsync(1), Is.EqualTo(2L)); // A's head is B's version now; row 150,000's leaf is far from what it fetched
        Assert.That(await b.BumpAsync(150_000), Is.EqualTo(1));

        // A assumes its version; the leaf of row 150,000 is fetched at that version, but B rewrote
        // it since: the fetch cannot serve that version, and the call starts over on a read start.
        var (storeConflicts, conflicts, assumed) = (aStore.Conflicts, a.Statistics.Conflicts, a.Statistics.AssumedReads);
        Assert.That(await a.IncrementAsync(150_000), Is.EqualTo(2L));
        Assert.That(a.Statistics.AssumedReads - assumed, Is.EqualTo(1));
        Assert.That(aStore.Conflicts - storeConflicts, Is.EqualTo(1), "the fetch at the assumed version was refused");
        Assert.That(a.Statistics.Conflicts - conflicts, Is.Zero, "no commit was sent on the assumed version");
        Assert.That(await b.ReadAsync(150_000), Is.EqualTo(2L));
    }

    [Test]
    public async Task TwoProcessesTakingTurnsCountEveryIncrementOnce()
    {
        var name = SharedRedis.NewName("assumed-turns");
        var (a, _) = await OpenProcessAsync(name);
        var (b, _) = await OpenProcessAsync(name);
        var returned = new List<long>();
        for (var i = 0; i < 20; i++)
        {
            returned.Add(await a.IncrementAsync(1));
            returned.Add(await b.IncrementAsync(1));
        }
        Assert.That(returned, Is.EqualTo(Enumerable.Range(1, 40).Select(n => (long)n)), "each increment saw the one before it");
        // After its first call each object assumes its own last version, which the other has
        // always just replaced: every assumed commit is refused and runs again.
        Assert.That(a.Statistics.AssumedReads, Is.EqualTo(19));
        Assert.That(a.Statistics.Conflicts, Is.EqualTo(19));
        Assert.That(await a.ReadAsync(1), Is.EqualTo(40L));
    }

    [Test]
    public async Task ConcurrentWritersOfTwoProcessesLoseNoUpdate()
    {
        var name = SharedRedis.NewName("assumed-concurrent");
        var (a, _) = await OpenProcessAsync(name);
        var (b, _) = await OpenProcessAsync(name);
        const int Calls = 60;
        async Task<List<long>> Run(SharedCounterDb db, bool inTransactions)
        {
            var values = new List<long>();
            for (var i = 0; i < Calls; i++)
            {
                values.Add(inTransactions && i % 2 == 0
                    ? await db.TransactionAsync((d, ct) => d.IncrementAsync(1, ct))
                    : await db.IncrementAsync(1));
            }
            return values;
        }
        var results = await Task.WhenAll(Task.Run(() => Run(a, false)), Task.Run(() => Run(b, true)));
        var all = results.SelectMany(r => r).Order().ToList();
        Assert.That(all, Is.EqualTo(Enumerable.Range(1, 2 * Calls).Select(n => (long)n)), "every increment counted once, each RETURNING its own value");
        Assert.That(await b.ReadAsync(1), Is.EqualTo(2L * Calls));
        Assert.That(a.Statistics.AssumedReads + b.Statistics.AssumedReads, Is.GreaterThan(0));
    }

    [Test]
    public async Task AnAssumedWriteThatChangesNothingStandsOnlyOnTheCurrentVersion()
    {
        var name = SharedRedis.NewName("assumed-noop");
        var (a, aStore) = await OpenProcessAsync(name);
        var (b, _) = await OpenProcessAsync(name);
        Assert.That(await a.BumpAsync(1), Is.EqualTo(1));

        // Nothing changed meanwhile: the assumed attempt matches no row, and a read start confirms it.
        var (trips, assumed) = (aStore.RoundTrips, a.Statistics.AssumedReads);
        Assert.That(await a.BumpAsync(2), Is.EqualTo(0));
        Assert.That(a.Statistics.AssumedReads - assumed, Is.EqualTo(1));
        Assert.That(aStore.RoundTrips - trips, Is.EqualTo(1), "the confirming read start");

        // B adds row 2: on A's assumed version it does not exist, and nothing would be committed
        // to prove otherwise; the read start that confirms it finds a newer version, and the
        // statement runs again there.
        await b.AddAsync(2);
        Assert.That(await a.BumpAsync(2), Is.EqualTo(1));
        Assert.That(a.Statistics.AssumedReads - assumed, Is.EqualTo(2));
        Assert.That(await b.ReadAsync(2), Is.EqualTo(1L));
    }

    [Test]
    public async Task AnErrorOnAnAssumedVersionIsNotTheCallersUntilARealReadStartMeetsIt()
    {
        var name = SharedRedis.NewName("assumed-error");
        var (a, _) = await OpenProcessAsync(name);
        var (b, _) = await OpenProcessAsync(name);
        await a.AddAsync(5);
        await a.RemoveAsync(5); // A's methods that write are known now, and row 5 is gone
        await a.AddAsync(5);

        // B deletes row 5: on A's assumed version it still exists, so the insert breaks the
        // primary key there. The error comes from a stale version: the call runs again and succeeds.
        await b.RemoveAsync(5);
        var assumed = a.Statistics.AssumedReads;
        await a.AddAsync(5);
        Assert.That(a.Statistics.AssumedReads - assumed, Is.EqualTo(1));
        Assert.That(await b.ReadAsync(5), Is.EqualTo(0L));

        // A real violation still reaches the caller, from a read start's version.
        var error = await Assert.ThrowsAsync<FolioException>(() => a.AddAsync(5));
        Assert.That(error!.Message, Does.Contain("UNIQUE").Or.Contain("constraint"), error.Message);
    }
}
