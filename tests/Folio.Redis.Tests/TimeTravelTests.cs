using Folio.Redis.Tests.Infrastructure;
using Folio.Storage;
using NUnit.Framework;

namespace Folio.Redis.Tests;

/// <summary>Time travel through <see cref="FolioDatabase"/> on Redis: lockstep against native SQLite, restore and branch under faults, 5,000 commits.</summary>
[TestFixture(SharedRedis.Redis)]
[TestFixture(SharedRedis.Garnet)]
public sealed class TimeTravelTests(string server) : ServerFixture(server)
{
    private RedisPageStore Create(string name, HistoryRetention? retention = null) =>
        RedisPageStore.Open(Connection, SharedRedis.NewName(name), 4096, new RedisStoreOptions { History = retention });

    [Test]
    public void EveryRetainedVersionDumpsAsNativeSqliteDidAndOlderOnesAreRefused()
    {
        using var store = Create("lockstep", new HistoryRetention { Versions = 150, MaxAge = null });
        using var db = FolioDatabase.Open(store);
        var directory = Path.Combine(Path.GetTempPath(), "folio-redis-lockstep", Guid.NewGuid().ToString("N"));
        try
        {
            using var lockstep = new HistoryLockstep(directory);
            lockstep.Run(db, commits: 200);
            var range = db.HistoryRange;
            Assert.That(range.Newest - range.Oldest, Is.EqualTo(150));
            Assert.That(lockstep.CompareEveryRetainedVersion(db), Is.GreaterThanOrEqualTo(140));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public void AFailedRestoreOrBranchLeavesTheStoreExactlyAsItWasAndARestoreCanBeUndone()
    {
        var inner = Create("restore");
        var store = new FaultInjectingPageStore(inner);
        using var db = FolioDatabase.Open(store, ownsStore: true);
        using (var c = db.OpenConnection())
        {
            c.Execute("CREATE TABLE t(x, pad)");
            c.Execute("INSERT INTO t WITH RECURSIVE s(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM s WHERE v < 400) SELECT v, zeroblob(300) FROM s");
        }
        var good = db.Bookmark;
        using (var c = db.OpenConnection())
        {
            c.Execute("DROP TABLE t; CREATE TABLE u(y)");
        }
        var bad = db.Bookmark;

        store.FailCommits = true;
        Assert.Throws<FolioException>(() => db.RestoreTo(good));
        store.FailCommits = false;
        Assert.That(inner.GetHead().Version, Is.EqualTo(bad.Version), "nothing of the failed restore reached Redis");

        using var target = new FaultInjectingPageStore(Create("branch")) { FailCommits = true };
        Assert.Throws<FolioException>(() => db.Branch(good, target));
        Assert.That(target.Inner.GetHead().Version, Is.Zero);
        target.FailCommits = false;
        db.Branch(good, target);

        db.RestoreTo(good);
        using (var c = db.OpenConnection())
        {
            Assert.That((long)c.ExecuteScalar("SELECT count(*) FROM t")!, Is.EqualTo(400));
            Assert.That(c.ExecuteScalar("PRAGMA integrity_check"), Is.EqualTo("ok"));
        }
        db.RestoreTo(bad);
        using (var c = db.OpenConnection())
        {
            Assert.That((long)c.ExecuteScalar("SELECT count(*) FROM sqlite_schema WHERE name = 't'")!, Is.Zero, "the restore was undone");
        }
        using var branch = FolioDatabase.Open(target.Inner);
        using (var c = branch.OpenConnection())
        {
            Assert.That((long)c.ExecuteScalar("SELECT count(*) FROM t")!, Is.EqualTo(400), "the branch holds the past state, apart from its origin");
        }
    }

    [Test]
    public void FiveThousandCommitsKeepTheHistoryBounded()
    {
        using var store = Create("busy", new HistoryRetention { Versions = 50, MaxAge = null });
        using var db = FolioDatabase.Open(store);
        using var c = db.OpenConnection();
        c.Execute("CREATE TABLE t(k INTEGER PRIMARY KEY, v BLOB)");
        c.Execute("INSERT INTO t WITH RECURSIVE s(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM s WHERE k < 5000) SELECT k, zeroblob(100) FROM s");
        var random = new Random(9);
        long peak = 0;
        for (var i = 1; i <= 5000; i++)
        {
            c.Execute("UPDATE t SET v = randomblob(100) WHERE k IN (?1, ?2)", random.Next(1, 5001), random.Next(1, 5001));
            if (i % 500 == 0)
            {
                peak = Math.Max(peak, store.GetUsage().Values);
            }
        }
        var usage = store.GetUsage();
        TestContext.Out.WriteLine($"after 5000 commits: {usage.Values} retained values ({usage.Bytes} bytes), {usage.Versions} versions, peak {peak}");
        Assert.That(usage.Versions, Is.EqualTo(51));
        Assert.That(peak, Is.LessThanOrEqualTo(2L * 5 * 50), "retained values stay within what the retention asks for");
    }
}
