using Folio.Redis.Tests.Infrastructure;
using Folio.Storage;
using NUnit.Framework;

namespace Folio.Redis.Tests;

/// <summary>The runtime's guarantees (atomic commits, spills, rollback, concurrency, page size) on a real Redis.</summary>
[TestFixture(SharedRedis.Redis)]
[TestFixture(SharedRedis.Garnet)]
public sealed class RuntimeSemanticsTests(string server) : ServerFixture(server)
{
    [Test]
    public void HundredThousandRowsInOneTransactionSurviveSpillsAndReopen()
    {
        var name = SharedRedis.NewName("spill");
        var store = RedisPageStore.Open(Connection, name);
        using (var db = FolioDatabase.Open(store))
        using (var c = db.OpenConnection())
        {
            // A ten-page SQLite cache forces SQLite to spill dirty pages long before COMMIT; they
            // must wait in Folio's transaction buffer, not reach Redis early.
            c.Execute("PRAGMA cache_size = 10");
            c.Execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
            c.Execute("CREATE INDEX t_v ON t(v)");
            var commitsBefore = store.Commits;
            c.Execute("""
                BEGIN;
                WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 100000)
                INSERT INTO t SELECT i, printf('row %06d', i) FROM s;
                COMMIT;
                """);
            Assert.That(store.Commits - commitsBefore, Is.EqualTo(1), "the whole transaction is one Redis commit");
            Assert.That(store.GetHead().PageCount, Is.GreaterThan(500));
        }

        using var redis = Connect();
        using var reopened = FolioDatabase.Open(RedisPageStore.Open(redis, name), ownsStore: true);
        using var check = reopened.OpenConnection();
        Assert.That(check.ExecuteScalar("SELECT count(*) FROM t"), Is.EqualTo(100_000L));
        Assert.That(check.ExecuteScalar("SELECT sum(id) FROM t"), Is.EqualTo(5_000_050_000L));
        Assert.That(check.ExecuteScalar("SELECT v FROM t WHERE id = 77777"), Is.EqualTo("row 077777"));
        Assert.That(check.ExecuteScalar("PRAGMA integrity_check"), Is.EqualTo("ok"));
    }

    [Test]
    public void OneRowUpdateOnAThousandPageDatabaseIsOneSmallCommit()
    {
        var store = RedisPageStore.Open(Connection, SharedRedis.NewName("small-update"));
        using var db = FolioDatabase.Open(store);
        using var c = db.OpenConnection();
        // ~3000-byte rows: one row per 4096-byte page.
        c.Execute("""
            CREATE TABLE t(id INTEGER PRIMARY KEY, n INTEGER NOT NULL, payload BLOB NOT NULL);
            BEGIN;
            WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 1100)
            INSERT INTO t SELECT i, 0, randomblob(3000) FROM s;
            COMMIT;
            """);
        Assert.That(store.GetHead().PageCount, Is.GreaterThanOrEqualTo(1000));

        var commits = db.Statistics.Commits;
        var pages = db.Statistics.PagesWritten;
        var storeCommits = store.Commits;
        Assert.That(c.Execute("UPDATE t SET n = n + 1 WHERE id = 600"), Is.EqualTo(1));

        Assert.That(db.Statistics.Commits - commits, Is.EqualTo(1));
        Assert.That(store.Commits - storeCommits, Is.EqualTo(1));
        Assert.That(db.Statistics.PagesWritten - pages, Is.InRange(1, 3));
        Assert.That(c.ExecuteScalar("SELECT n FROM t WHERE id = 600"), Is.EqualTo(1L));
    }

    [Test]
    public void RollbackLeavesTheVersionAndTheStoredBytesUnchanged()
    {
        var name = SharedRedis.NewName("rollback");
        var store = RedisPageStore.Open(Connection, name);
        using var db = FolioDatabase.Open(store);
        using var c = db.OpenConnection();
        c.Execute("""
            CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);
            INSERT INTO t VALUES (1, 'kept'), (2, 'kept too');
            """);
        var head = store.GetHead();
        var bytes = store.BytesWritten;
        var stored = StoredValues(name);

        c.Execute("PRAGMA cache_size = 10");
        c.Execute("""
            BEGIN;
            WITH RECURSIVE s(i) AS (SELECT 3 UNION ALL SELECT i + 1 FROM s WHERE i < 20000)
            INSERT INTO t SELECT i, printf('discarded %d', i) FROM s;
            UPDATE t SET v = 'changed' WHERE id = 1;
            ROLLBACK;
            """);

        Assert.That(store.GetHead(), Is.EqualTo(head));
        Assert.That(store.BytesWritten, Is.EqualTo(bytes));
        Assert.That(StoredValues(name), Is.EqualTo(stored));
        Assert.That(c.Query("SELECT id, v FROM t ORDER BY id"), Is.EqualTo(new[] { new object?[] { 1L, "kept" }, new object?[] { 2L, "kept too" } }));
    }

    [Test]
    public void EightThreadsOfFiveHundredIncrementsAddUpToFourThousand()
    {
        var name = SharedRedis.NewName("threads");
        using var otherProcess = Connect();
        // Half the threads share one attachment (SQLite's locks order them); the other half go
        // through a second store on its own Redis connection, as another process would, so only
        // Redis's version check keeps the two halves from losing updates.
        using var dbA = FolioDatabase.Open(RedisPageStore.Open(Connection, name), ownsStore: true);
        using var dbB = FolioDatabase.Open(RedisPageStore.Open(otherProcess, name), new FolioOptions { ProcessScope = new object(), Name = name + "-b" }, ownsStore: true);
        using (var setup = dbA.OpenConnection())
        {
            setup.Execute("CREATE TABLE c(n INTEGER NOT NULL); INSERT INTO c VALUES (0);");
        }

        var retries = 0;
        var failures = Threads.Run(8, i =>
        {
            using var connection = Busy.Open(i % 2 == 0 ? dbA : dbB);
            for (var k = 0; k < 500; k++)
            {
                var r = Busy.Retry(connection, () =>
                {
                    connection.Execute("BEGIN IMMEDIATE");
                    connection.Execute("UPDATE c SET n = n + 1");
                    connection.Execute("COMMIT");
                });
                Interlocked.Add(ref retries, r);
            }
        });

        Assert.That(failures, Is.Empty);
        using var check = dbA.OpenConnection();
        Assert.That(check.ExecuteScalar("SELECT n FROM c"), Is.EqualTo(4000L));
        TestContext.Out.WriteLine($"busy retries: {retries}; {dbA.Store}; {dbB.Store}");
    }

    [Test]
    public void OpeningWithAnotherPageSizeFailsClearly()
    {
        var name = SharedRedis.NewName("page-size");
        using (var created = RedisPageStore.Open(Connection, name, 8192))
        {
            Assert.That(created.PageSize, Is.EqualTo(8192));
        }

        var error = Assert.Throws<PageSizeMismatchException>(() => RedisPageStore.Open(Connection, name, 4096));
        Assert.That(error!.StoredPageSize, Is.EqualTo(8192));
        Assert.That(error.RequestedPageSize, Is.EqualTo(4096));
        Assert.That(error.Message, Does.Contain(name).And.Contain("8192").And.Contain("4096"));
        Assert.Throws<ArgumentOutOfRangeException>(() => RedisPageStore.Open(Connection, name, 3000));

        using var reopened = FolioDatabase.Open(RedisPageStore.Open(Connection, name, 8192), ownsStore: true);
        using var c = reopened.OpenConnection();
        c.Execute("CREATE TABLE t(x); INSERT INTO t VALUES (42);");
        Assert.That(c.ExecuteScalar("PRAGMA page_size"), Is.EqualTo(8192L));
    }

    /// <summary>Every stored value of a database, by key, read straight from Redis.</summary>
    private Dictionary<string, byte[]> StoredValues(string database)
    {
        var server = Connection.GetServer(Connection.GetEndPoints()[0]);
        var redis = Connection.GetDatabase();
        return server.Keys(pattern: "{folio:" + database + "}:p:*")
            .ToDictionary(key => key.ToString(), key => (byte[])redis.StringGet(key)!);
    }
}
