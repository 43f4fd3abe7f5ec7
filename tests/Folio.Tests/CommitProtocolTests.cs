using Folio.Storage;
using NUnit.Framework;

namespace Folio.Tests;

[TestFixture(StoreKind.Memory)]
[TestFixture(StoreKind.File)]
public class CommitProtocolTests(StoreKind kind) : StoreTest
{
    [Test]
    public void HundredThousandRowsWithSpillsSurviveAReopen()
    {
        var store = Stores.Create(kind);
        using (var db = FolioDatabase.Open(store))
        using (var c = db.OpenConnection())
        {
            c.Execute("PRAGMA cache_size = 10");
            c.Execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
            c.Execute("BEGIN");
            for (var i = 0; i < 100_000; i++)
            {
                c.Execute("INSERT INTO t(v) VALUES (?1)", "value-" + i);
            }
            c.Execute("COMMIT");
            Assert.That(db.Statistics.Commits, Is.EqualTo(2), "the CREATE and the whole insert transaction, one commit each");
        }

        using var reopened = FolioDatabase.Open(Stores.Reopen(kind, store));
        using var c2 = reopened.OpenConnection();
        Assert.That(c2.ExecuteScalar("SELECT count(*) FROM t"), Is.EqualTo(100_000L));
        Assert.That(c2.ExecuteScalar("SELECT v FROM t WHERE id = 77777"), Is.EqualTo("value-77776"));
        Assert.That(c2.ExecuteScalar("PRAGMA integrity_check"), Is.EqualTo("ok"));
    }

    [Test]
    public void OneRowUpdateOnALargeDatabaseIsOneCommitOfAFewPages()
    {
        var store = Stores.Create(kind);
        using var db = FolioDatabase.Open(store);
        using var c = db.OpenConnection();
        c.Execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB NOT NULL)");
        c.Execute("BEGIN");
        for (var i = 0; i < 4000; i++)
        {
            c.Execute("INSERT INTO t(v) VALUES (randomblob(1000))");
        }
        c.Execute("COMMIT");
        Assert.That(store.GetHead().PageCount, Is.GreaterThanOrEqualTo(1000));

        var commits = db.Statistics.Commits;
        var pages = db.Statistics.PagesWritten;
        c.Execute("UPDATE t SET v = zeroblob(1000) WHERE id = 1234");
        Assert.That(db.Statistics.Commits - commits, Is.EqualTo(1));
        Assert.That(db.Statistics.PagesWritten - pages, Is.InRange(1, 3));
    }

    [Test]
    public void RollbackAndRollbackToSavepointLeaveTheStoreUntouched()
    {
        var store = Stores.Create(kind);
        using var db = FolioDatabase.Open(store);
        using var c = db.OpenConnection();
        c.Execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
        c.Execute("INSERT INTO t(v) VALUES ('a'), ('b')");
        var before = Snapshot(store);

        c.Execute("BEGIN; INSERT INTO t(v) VALUES ('c'); UPDATE t SET v = 'z'; ROLLBACK;");
        Assert.That(Snapshot(store), Is.EqualTo(before), "plain rollback");

        // A rollback after SQLite spilled pages to the file: it writes the originals back and syncs.
        c.Execute("PRAGMA cache_size = 10");
        c.Execute("BEGIN");
        for (var i = 0; i < 3000; i++)
        {
            c.Execute("INSERT INTO t(v) VALUES (?1)", new string('x', 100));
        }
        c.Execute("UPDATE t SET v = 'changed' WHERE id = 1");
        c.Execute("ROLLBACK");
        Assert.That(Snapshot(store), Is.EqualTo(before), "rollback after a spill");

        c.Execute("SAVEPOINT s; INSERT INTO t(v) VALUES ('d'); ROLLBACK TO s; RELEASE s;");
        Assert.That(Snapshot(store), Is.EqualTo(before), "rollback to savepoint, then release");
        Assert.That(c.ExecuteScalar("SELECT group_concat(v) FROM t"), Is.EqualTo("a,b"));
    }

    [Test]
    public void ReadsInsideATransactionSeeItsOwnWrites()
    {
        var store = Stores.Create(kind);
        using var db = FolioDatabase.Open(store);
        using var c = db.OpenConnection();
        c.Execute("PRAGMA cache_size = 5");
        c.Execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
        c.Execute("BEGIN");
        for (var i = 0; i < 2000; i++)
        {
            c.Execute("INSERT INTO t(v) VALUES (?1)", "row" + i);
        }
        // The pager had to spill: these reads come back through the VFS's transaction buffer.
        Assert.That(c.ExecuteScalar("SELECT count(*) FROM t WHERE v LIKE 'row1%'"), Is.EqualTo(1111L));
        Assert.That(store.GetHead().PageCount, Is.LessThan(5), "nothing reached the store before COMMIT");
        c.Execute("COMMIT");
        Assert.That(store.GetHead().PageCount, Is.GreaterThan(5));
    }

    /// <summary>The store's version, page count and every stored page.</summary>
    internal static string Snapshot(IPageStore store)
    {
        var head = store.GetHead();
        using var reader = store.BeginRead(0);
        var buffer = new byte[PageFormat.MaxValueSize(store.PageSize)];
        var hash = new System.IO.Hashing.XxHash64();
        for (long page = 0; page < head.PageCount; page++)
        {
            var length = reader.ReadPage(page, buffer);
            hash.Append(buffer.AsSpan(0, length));
        }
        return $"v{head.Version} n{head.PageCount} h{hash.GetCurrentHashAsUInt64():x16}";
    }
}
