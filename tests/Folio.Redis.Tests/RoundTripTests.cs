using Folio.Redis.Tests.Infrastructure;
using NUnit.Framework;

namespace Folio.Redis.Tests;

/// <summary>What a transaction costs in round trips and bytes, read from the store's counters and the Folio.Redis meter.</summary>
[TestFixture(SharedRedis.Redis)]
[TestFixture(SharedRedis.Garnet)]
public sealed class RoundTripTests(string server) : ServerFixture(server)
{
    private const string RoundTrips = "folio.redis.round_trips";

    [Test]
    public void AWarmReadOnlyTransactionCostsOneRoundTrip()
    {
        var store = RedisPageStore.Open(Connection, SharedRedis.NewName("warm-read"));
        using var db = FolioDatabase.Open(store);
        using var c = db.OpenConnection();
        Fill(c, rows: 300, rowBytes: 500);
        c.ExecuteScalar("SELECT sum(length(payload)) FROM t"); // warms Folio's page cache

        using var metrics = new RedisMetricsRecorder();
        var before = store.RoundTrips;
        Assert.That(c.ExecuteScalar("SELECT sum(length(payload)) FROM t"), Is.EqualTo(300L * 500));
        Assert.That(store.RoundTrips - before, Is.EqualTo(1));
        Assert.That(metrics.Total(RoundTrips, store.Name), Is.EqualTo(1));

        before = store.RoundTrips;
        c.Execute("BEGIN");
        c.ExecuteScalar("SELECT count(*) FROM t");
        c.ExecuteScalar("SELECT payload FROM t WHERE id = 150");
        c.Execute("COMMIT");
        Assert.That(store.RoundTrips - before, Is.EqualTo(1), "a multi-statement read transaction is still one round trip");
    }

    [Test]
    public void AWriteTransactionOnAWarmCacheCostsAtMostTwoRoundTrips()
    {
        var store = RedisPageStore.Open(Connection, SharedRedis.NewName("warm-write"));
        using var db = FolioDatabase.Open(store);
        using var c = db.OpenConnection();
        Fill(c, rows: 300, rowBytes: 500);
        WarmFolioCache(db);

        using var metrics = new RedisMetricsRecorder();
        var before = store.RoundTrips;
        c.Execute("UPDATE t SET n = n + 1 WHERE id = 120");
        Assert.That(store.RoundTrips - before, Is.InRange(1, 2));

        before = store.RoundTrips;
        c.Execute("BEGIN; UPDATE t SET n = n + 1 WHERE id = 7; INSERT INTO t(n, payload) VALUES (1, x'00'); COMMIT;");
        Assert.That(store.RoundTrips - before, Is.InRange(1, 2));
        Assert.That(metrics.Total("folio.redis.commits", store.Name), Is.EqualTo(2));
        Assert.That(metrics.Total(RoundTrips, store.Name), Is.LessThanOrEqualTo(4));
    }

    [TestCase(1, 500)]
    [TestCase(100, 1000)]
    public void BytesWrittenPerCommitAreTheDirtyPagesPlusHeaders(int rowsChanged, int rowBytes)
    {
        var store = RedisPageStore.Open(Connection, SharedRedis.NewName("bytes"));
        using var db = FolioDatabase.Open(store);
        using var c = db.OpenConnection();
        Fill(c, rows: 300, rowBytes: 500);

        using var metrics = new RedisMetricsRecorder();
        var pages = db.Statistics.PagesWritten;
        var folioBytes = db.Statistics.BytesWritten;
        var storeBytes = store.BytesWritten;
        c.Execute($"UPDATE t SET payload = randomblob({rowBytes}) WHERE id <= {rowsChanged}");
        var dirtyPages = db.Statistics.PagesWritten - pages;
        var written = store.BytesWritten - storeBytes;

        Assert.That(dirtyPages, Is.GreaterThan(0));
        // What Folio handed over (pages with its checksum header) plus the 8-byte version per page, nothing else.
        Assert.That(written, Is.EqualTo(db.Statistics.BytesWritten - folioBytes + RedisPageStore.ValueHeaderSize * dirtyPages));
        Assert.That(metrics.Total("folio.redis.bytes_written", store.Name), Is.EqualTo(written));
        Assert.That((double)written / (dirtyPages * store.PageSize), Is.LessThanOrEqualTo(1.02));
        TestContext.Out.WriteLine($"{dirtyPages} dirty pages, {written} bytes written ({100.0 * written / (dirtyPages * store.PageSize) - 100:F2}% over the page bytes)");
    }

    [Test]
    public void AColdSequentialScanReadsAheadInBatches()
    {
        var name = SharedRedis.NewName("read-ahead");
        using (var db = FolioDatabase.Open(RedisPageStore.Open(Connection, name), ownsStore: true))
        using (var c = db.OpenConnection())
        {
            Fill(c, rows: 1100, rowBytes: 3000);
        }

        var batched = ColdScan(name, new RedisStoreOptions());
        var unbatched = ColdScan(name, new RedisStoreOptions { ReadAheadPages = 0 });
        TestContext.Out.WriteLine($"with read-ahead: {batched}; without: {unbatched}");

        Assert.That(batched.PagesRead, Is.GreaterThanOrEqualTo(1000));
        Assert.That(unbatched.RoundTrips, Is.GreaterThanOrEqualTo(unbatched.PagesRead), "without read-ahead every page costs a round trip");
        Assert.That(batched.RoundTrips * 8, Is.LessThanOrEqualTo(batched.PagesRead), "read-ahead fetches at least 8 pages per round trip on average");
    }

    [Test]
    public void AnotherWritersCommitInvalidatesOnlyTheChangedPages()
    {
        var name = SharedRedis.NewName("invalidate");
        using var otherProcess = Connect();
        var storeA = RedisPageStore.Open(Connection, name);
        using var dbA = FolioDatabase.Open(storeA);
        using var dbB = FolioDatabase.Open(RedisPageStore.Open(otherProcess, name, options: new RedisStoreOptions { ChangeLogLength = 4 }),
            new FolioOptions { ProcessScope = new object(), Name = name + "-b" }, ownsStore: true);
        using var a = dbA.OpenConnection();
        using var b = dbB.OpenConnection();
        Fill(a, rows: 1100, rowBytes: 3000);
        a.ExecuteScalar("SELECT sum(n) FROM t"); // A's cache now holds every page

        b.Execute("UPDATE t SET n = n + 1 WHERE id = 600");
        var pagesRead = storeA.PagesRead;
        Assert.That(a.ExecuteScalar("SELECT sum(n) FROM t"), Is.EqualTo(1L));
        Assert.That(storeA.PagesRead - pagesRead, Is.InRange(1, 3), "only the pages B changed are read again");

        // B commits more often than its change log (4 entries) remembers: A cannot tell what changed and drops everything.
        for (var i = 0; i < 10; i++)
        {
            b.Execute("UPDATE t SET n = n + 1 WHERE id = 600");
        }
        pagesRead = storeA.PagesRead;
        Assert.That(a.ExecuteScalar("SELECT sum(n) FROM t"), Is.EqualTo(11L));
        Assert.That(storeA.PagesRead - pagesRead, Is.GreaterThanOrEqualTo(1000));
    }

    private (long RoundTrips, long PagesRead) ColdScan(string name, RedisStoreOptions options)
    {
        using var redis = Connect();
        var store = RedisPageStore.Open(redis, name, options: options);
        using var db = FolioDatabase.Open(store, new FolioOptions { Name = name + "-scan-" + options.ReadAheadPages }, ownsStore: true);
        using var c = db.OpenConnection();
        var before = (store.RoundTrips, store.PagesRead);
        Assert.That(c.ExecuteScalar("SELECT sum(length(payload)) FROM t"), Is.EqualTo(1100L * 3000));
        return (store.RoundTrips - before.RoundTrips, store.PagesRead - before.PagesRead);
    }

    /// <summary>
    /// Reads every page through a new connection, whose SQLite page cache is empty, so each page
    /// passes through (and stays in) Folio's page cache shared by the database's connections.
    /// </summary>
    internal static void WarmFolioCache(FolioDatabase db)
    {
        using var fresh = db.OpenConnection();
        fresh.ExecuteScalar("SELECT sum(length(payload)) FROM t");
    }

    /// <summary>Creates <c>t(id, n, payload)</c> with <paramref name="rows"/> rows of <paramref name="rowBytes"/> random bytes.</summary>
    internal static void Fill(FolioConnection c, int rows, int rowBytes) => c.Execute($"""
        CREATE TABLE t(id INTEGER PRIMARY KEY, n INTEGER NOT NULL, payload BLOB NOT NULL);
        BEGIN;
        WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {rows})
        INSERT INTO t SELECT i, 0, randomblob({rowBytes}) FROM s;
        COMMIT;
        """);
}
