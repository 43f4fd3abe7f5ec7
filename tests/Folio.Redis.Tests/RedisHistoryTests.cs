using System.Buffers.Binary;
using Folio.Redis.Tests.Infrastructure;
using Folio.Storage;
using NUnit.Framework;
using StackExchange.Redis;

namespace Folio.Redis.Tests;

/// <summary>
/// What the Redis store's history adds beyond the shared contract: reads that outlive retention,
/// writers with different retention on one database, databases from before history, the running
/// usage totals, the age limit and the round trips.
/// </summary>
[TestFixture(SharedRedis.Redis)]
[TestFixture(SharedRedis.Garnet)]
public sealed class RedisHistoryTests(string server) : ServerFixture(server)
{
    private const int PageSize = 4096;

    [Test]
    public void AReadThatOutlivesRetentionFailsClearlyInsteadOfReturningOtherData()
    {
        using var store = Open(SharedRedis.NewName("outlived"), new HistoryRetention { Versions = 2, MaxAge = null });
        var lineage = store.GetHead().Lineage;
        store.Commit(new StoreCommit(lineage, 0, 2, [Page(0, 1), Page(1, 1)]));
        using var past = store.BeginReadAt(1);
        for (var v = 1; v < 4; v++)
        {
            store.Commit(new StoreCommit(lineage, v, 2, [Page(0, v + 1)]));
        }
        var buffer = new byte[PageSize];
        var error = Assert.Throws<VersionNotRetainedException>(() => past.ReadPage(1, buffer));
        Assert.That(error!.Message, Does.Contain(store.Name).And.Contain("version 1 is not retained").And.Contain("versions 2 to 4"));
        Assert.That(error.Available, Is.EqualTo(new StoreHistoryRange(lineage, 2, 4)));
    }

    [Test]
    public void AWriterKeepingMoreCannotReachBackPastACommitThatKeptNothing()
    {
        var name = SharedRedis.NewName("mixed-retention");
        using var keeping = Open(name, new HistoryRetention { Versions = 10, MaxAge = null });
        using var forgetting = Open(name, HistoryRetention.None);
        var lineage = keeping.GetHead().Lineage;
        for (var v = 0; v < 3; v++)
        {
            keeping.Commit(new StoreCommit(lineage, v, 1, [Page(0, v + 1)]));
        }
        Assert.That(keeping.GetHistoryRange(), Is.EqualTo(new StoreHistoryRange(lineage, 1, 3)));
        forgetting.Commit(new StoreCommit(lineage, 3, 1, [Page(0, 4)]));
        keeping.Commit(new StoreCommit(lineage, 4, 1, [Page(0, 5)]));

        Assert.That(keeping.GetHistoryRange(), Is.EqualTo(new StoreHistoryRange(lineage, 4, 5)), "version 3's page 0 was dropped by the commit that kept nothing");
        Assert.Throws<VersionNotRetainedException>(() => keeping.BeginReadAt(3).Dispose());
        using var reader = keeping.BeginReadAt(4);
        var buffer = new byte[PageSize];
        Assert.That(reader.ReadPage(0, buffer), Is.EqualTo(PageSize));
        Assert.That(buffer, Is.EqualTo(HistoryContract.Value(PageSize, 0, 4)));
        Assert.That(keeping.GetVersions(long.MaxValue, 10).Select(v => v.Version), Is.EqualTo(new long[] { 5, 4 }));
    }

    [Test]
    public void ADatabaseFromBeforeHistoryHoldsOnlyItsCurrentVersionUntilItsFirstCommit()
    {
        var name = SharedRedis.NewName("before-history");
        using (var legacy = Open(name, HistoryRetention.Default))
        {
            legacy.Commit(new StoreCommit(legacy.GetHead().Lineage, 0, 2, [Page(0, 1), Page(1, 1)]));
        }
        var redis = Connection.GetDatabase();
        var prefix = "{folio:" + name + "}:";
        redis.KeyDelete(prefix + "ver");
        redis.HashDelete(prefix + "meta", ["oldest", "committed"]); // as a writer from before history left it

        using var store = Open(name, HistoryRetention.Default);
        var lineage = store.GetHead().Lineage;
        Assert.That(store.GetHistoryRange(), Is.EqualTo(new StoreHistoryRange(lineage, 1, 1)));
        Assert.That(store.GetVersions(long.MaxValue, 10), Is.Empty, "no record was made before history");
        var buffer = new byte[PageSize];
        using (var current = store.BeginReadAt(1))
        {
            Assert.That(current.PageCount, Is.EqualTo(2));
            Assert.That(current.ReadPage(1, buffer), Is.EqualTo(PageSize));
        }
        store.Commit(new StoreCommit(lineage, 1, 2, [Page(1, 2)]));
        Assert.That(store.GetHistoryRange(), Is.EqualTo(new StoreHistoryRange(lineage, 2, 2)), "version 1 has no record to read its page count from");
        Assert.Throws<VersionNotRetainedException>(() => store.BeginReadAt(1).Dispose());
    }

    [Test]
    public void TheUsageTotalsAreWhatTheHistorySetsHold()
    {
        var name = SharedRedis.NewName("usage");
        using var store = Open(name, new HistoryRetention { Versions = 15, MaxAge = null });
        HistoryContract.EveryRetainedVersionReadsAsItWasCommitted(store, retained: 15, commits: 80, seed: 5);
        var usage = store.GetUsage();

        var redis = Connection.GetDatabase();
        var server = Connection.GetServer(Connection.GetEndPoints()[0]);
        long values = 0, bytes = 0;
        foreach (var key in server.Keys(pattern: "{folio:" + name + "}:h:*"))
        {
            foreach (var member in redis.SortedSetRangeByRank(key))
            {
                values++;
                bytes += ((byte[])member!).Length;
            }
        }
        Assert.That(values, Is.GreaterThan(0));
        Assert.That((usage.Values, usage.Bytes), Is.EqualTo((values, bytes)));
        Assert.That(redis.SortedSetLength("{folio:" + name + "}:hidx"), Is.EqualTo(values), "one index entry per retained value");
        Assert.That(usage.Versions, Is.EqualTo(16));
    }

    [Test]
    public void VersionsOlderThanTheAgeLimitAreCollected()
    {
        using var store = Open(SharedRedis.NewName("age"), new HistoryRetention { Versions = 100, MaxAge = TimeSpan.FromMilliseconds(500) });
        var lineage = store.GetHead().Lineage;
        for (var v = 0; v < 3; v++)
        {
            store.Commit(new StoreCommit(lineage, v, 1, [Page(0, v + 1)]));
        }
        Assert.That(store.GetHistoryRange().Oldest, Is.EqualTo(1));
        Thread.Sleep(700); // versions 1 to 3 are now all older than the limit; 3 stays in force until the next commit
        store.Commit(new StoreCommit(lineage, 3, 1, [Page(0, 4)]));
        Assert.That(store.GetHistoryRange(), Is.EqualTo(new StoreHistoryRange(lineage, 3, 4)), "the version in force 500 ms ago is the oldest kept");
        Assert.That(store.GetVersions(long.MaxValue, 10).Select(v => v.Version), Is.EqualTo(new long[] { 4, 3 }));
    }

    [Test]
    public void ACommitKeepingHistoryIsStillOneRoundTripAndAPastBatchIsOne()
    {
        using var store = Open(SharedRedis.NewName("history-trips"), HistoryRetention.Default);
        var lineage = store.GetHead().Lineage;
        store.Commit(new StoreCommit(lineage, 0, 8, Enumerable.Range(0, 8).Select(p => Page(p, 1)).ToList()));
        var before = store.RoundTrips;
        store.Commit(new StoreCommit(lineage, 1, 8, Enumerable.Range(0, 8).Select(p => Page(p, 2)).ToList()));
        Assert.That(store.RoundTrips - before, Is.EqualTo(1));
        using (var first = store.BeginReadAt(2))
        {
            first.ReadPage(0, new byte[PageSize]); // the server learns both scripts (NOSCRIPT, then EVAL)
        }

        before = store.RoundTrips;
        using var past = store.BeginReadAt(1);
        long[] pages = [7, 0, 3];
        var destination = new byte[pages.Length * PageSize];
        var lengths = new int[pages.Length];
        past.ReadPages(pages, destination, PageSize, lengths);
        Assert.That(store.RoundTrips - before, Is.EqualTo(2), "the head of the version, then the batch");
        for (var i = 0; i < pages.Length; i++)
        {
            Assert.That(destination.AsSpan(i * PageSize, PageSize).SequenceEqual(HistoryContract.Value(PageSize, pages[i], 1)), Is.True, $"page {pages[i]} at version 1");
        }
    }

    [Test]
    public async Task AnOwnedStoreReadsItsPastAsynchronouslyToo()
    {
        var name = SharedRedis.NewName("owned-past");
        using var store = RedisPageStore.Open(Connection, name, PageSize, new RedisStoreOptions { Owned = true, History = HistoryRetention.Default });
        var lineage = store.GetHead().Lineage;
        for (var v = 0; v < 3; v++)
        {
            store.Commit(new StoreCommit(lineage, v, 3, v == 0 ? [Page(0, 1)] : [Page(0, v + 1), Page(v, v + 1)]));
        }
        using var past = store.BeginReadAt(2);
        long[] pages = [0, 1, 2];
        var destination = new byte[pages.Length * PageSize];
        var lengths = new int[pages.Length];
        await past.ReadPagesAsync(pages, destination, PageSize, lengths);
        Assert.That(lengths, Is.EqualTo(new[] { PageSize, PageSize, 0 }), "page 2 was first written by version 3");
        Assert.That(destination.AsSpan(0, PageSize).SequenceEqual(HistoryContract.Value(PageSize, 0, 2)), Is.True);
        Assert.That(destination.AsSpan(PageSize, PageSize).SequenceEqual(HistoryContract.Value(PageSize, 1, 2)), Is.True);
        Assert.That(store.OwnsDatabase, Is.True, "reading the past is not another writer");
    }

    [Test]
    public void AHistoryIndexEntryThatCannotBeReadFailsTheCommitBeforeItWritesAnything()
    {
        var name = SharedRedis.NewName("bad-index");
        using var store = Open(name, HistoryRetention.None);
        var lineage = store.GetHead().Lineage;
        store.Commit(new StoreCommit(lineage, 0, 1, [Page(0, 1)]));
        var redis = Connection.GetDatabase();
        redis.SortedSetAdd("{folio:" + name + "}:hidx", "not-an-entry", 0);

        var error = Assert.Throws<IOException>(() => store.Commit(new StoreCommit(lineage, 1, 1, [Page(0, 2)])));
        Assert.That(error!.Message, Does.Contain(store.Name).And.Contain("not-an-entry"));
        Assert.That(store.GetHead().Version, Is.EqualTo(1));
        byte[] page = redis.StringGet("{folio:" + name + "}:p:0")!;
        Assert.That(BinaryPrimitives.ReadInt64LittleEndian(page), Is.EqualTo(1), "the page was not written");
    }

    private RedisPageStore Open(string name, HistoryRetention retention) =>
        RedisPageStore.Open(Connection, name, PageSize, new RedisStoreOptions { History = retention });

    private static StorePage Page(long number, long version) => new(number, HistoryContract.Value(PageSize, number, version));
}

/// <summary>What retained history costs in Redis's memory, measured with <c>MEMORY USAGE</c> (Redis only: the figure docs/store-contract.md gives).</summary>
public sealed class RedisHistoryMemoryTests
{
    [Test]
    public void ARetainedValueCostsItsBytesAndASmallOverheadInRedisMemory()
    {
        const int retained = 50, pagesPerCommit = 3;
        var name = SharedRedis.NewName("history-memory");
        using var store = RedisPageStore.Open(SharedRedis.Connection, name, 4096,
            new RedisStoreOptions { History = new HistoryRetention { Versions = retained, MaxAge = null } });
        var usage = HistoryContract.CollectionKeepsTheHistoryBounded(store, retained, commits: 200, pagesPerCommit);

        var redis = SharedRedis.Connection.GetDatabase();
        var server = SharedRedis.Connection.GetServer(SharedRedis.Connection.GetEndPoints()[0]);
        var prefix = "{folio:" + name + "}:";
        long memory = 0;
        foreach (var key in server.Keys(pattern: prefix + "h:*").Append(prefix + "hidx").Append(prefix + "ver"))
        {
            memory += (long)redis.Execute("MEMORY", "USAGE", key, "SAMPLES", "0");
        }
        var perValue = (double)memory / usage.Values;
        var page = (long)redis.Execute("MEMORY", "USAGE", prefix + "p:0", "SAMPLES", "0");
        TestContext.Out.WriteLine($"figure redis.page.memory-per-4k-value {page}");
        TestContext.Out.WriteLine($"figure redis.history.memory-per-retained-4k-value {perValue:F0}");
        TestContext.Out.WriteLine($"figure redis.history.memory-per-retained-version-3-pages {(double)memory / (usage.Versions - 1):F0}");
        TestContext.Out.WriteLine($"ratio redis.history.memory/retained-bytes {(double)memory / usage.Bytes:F3}");
        Assert.That(usage.Values, Is.EqualTo(retained * pagesPerCommit), "every commit replaced three values, and 50 commits are retained");
        Assert.That(memory, Is.InRange(usage.Bytes, 2 * usage.Bytes), "the history costs its bytes plus an overhead well below their size");
    }
}
