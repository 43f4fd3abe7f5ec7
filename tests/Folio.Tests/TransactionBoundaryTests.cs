using Folio.Storage;
using Folio.Testing;
using NUnit.Framework;

namespace Folio.Tests;

/// <summary>
/// Transactions SQLite abandons without playing a journal back must never reach the store: only a
/// commit point (SQLITE_FCNTL_SYNC / xSync) publishes, never a lock drop or a close.
/// </summary>
[TestFixture(StoreKind.Memory, "none")]
[TestFixture(StoreKind.File, "none")]
[TestFixture(StoreKind.Memory, "lz4")]
[TestFixture(StoreKind.File, "aes")]
[TestFixture(StoreKind.Memory, "aes+zstd")]
[TestFixture(StoreKind.File, "aes+lz4")]
public class TransactionBoundaryTests(StoreKind kind, string codec) : StoreTest(codec)
{
    private const int SpillingRows = 3000;

    [Test]
    public void RollbackAfterASpillWithJournalOffLeavesTheStoreAtItsVersion()
    {
        var store = Stores.Create(kind);
        using var db = OpenDatabase(store);
        using var c = db.OpenConnection();
        CreateTable(c);
        var before = CommitProtocolTests.Snapshot(store);

        c.Execute("PRAGMA journal_mode = OFF");
        c.Execute("PRAGMA cache_size = 10");
        c.Execute("BEGIN");
        InsertSpillingRows(c);
        c.Execute("UPDATE t SET v = 'changed' WHERE id = 1");
        c.Execute("ROLLBACK");

        Assert.That(CommitProtocolTests.Snapshot(store), Is.EqualTo(before));
        AssertUsable(c, store, before);
    }

    [Test]
    public void AnIoErrorInTheMiddleOfATransactionLeavesTheStoreAtItsVersion()
    {
        var inner = Stores.Create(kind);
        var store = new FaultInjectingPageStore(inner);
        using var db = OpenDatabase(store, new FolioOptions { CachePages = 0 });
        using var c = db.OpenConnection();
        CreateTable(c);
        c.Execute("INSERT INTO t(v) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) SELECT printf('old-%d-%0100d', i, 0) FROM n");
        var before = CommitProtocolTests.Snapshot(inner);

        // No journal to play back: SQLite's automatic rollback after the error leaves whatever it
        // spilled in the file, and only the VFS can keep it out of the store.
        c.Execute("PRAGMA journal_mode = OFF");
        c.Execute("PRAGMA cache_size = 10");
        c.Execute("BEGIN");
        InsertSpillingRows(c);
        // The old rows' pages are not in the transaction: scanning them reads the store, which fails.
        store.FailOperation = store.Operations + 1;
        var error = Assert.Throws<FolioException>(() => c.Execute("SELECT sum(length(v)) FROM t"))!;
        Assert.That(error.InnerException, Is.TypeOf<IOException>());
        Assert.That(store.InjectedFaults, Is.EqualTo(1));
        Assert.That(SQLitePCL.raw.sqlite3_get_autocommit(c.Handle), Is.EqualTo(1), "SQLite rolled the transaction back");

        Assert.That(CommitProtocolTests.Snapshot(inner), Is.EqualTo(before));
        AssertUsable(c, inner, before);
    }

    [Test]
    public void ClosingAConnectionInTheMiddleOfATransactionLeavesTheStoreAtItsVersion()
    {
        var store = Stores.Create(kind);
        using var db = OpenDatabase(store);
        string before;
        using (var c = db.OpenConnection())
        {
            CreateTable(c);
            before = CommitProtocolTests.Snapshot(store);
            c.Execute("PRAGMA journal_mode = OFF");
            c.Execute("PRAGMA cache_size = 10");
            c.Execute("BEGIN");
            InsertSpillingRows(c);
            Assert.That(db.Statistics.Commits, Is.EqualTo(2), "nothing committed since the table and its row");
        }

        Assert.That(CommitProtocolTests.Snapshot(store), Is.EqualTo(before));
        using var next = db.OpenConnection();
        AssertUsable(next, store, before);
    }

    private static void CreateTable(FolioConnection c)
    {
        c.Execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
        c.Execute("INSERT INTO t(v) VALUES ('kept')");
    }

    private static void InsertSpillingRows(FolioConnection c)
    {
        for (var i = 0; i < SpillingRows; i++)
        {
            c.Execute("INSERT INTO t(v) VALUES (?1)", new string('x', 100));
        }
    }

    /// <summary>The database reads as it was, passes its integrity check and takes the next transaction.</summary>
    private void AssertUsable(FolioConnection c, IPageStore store, string before)
    {
        Assert.That(c.ExecuteScalar("PRAGMA integrity_check"), Is.EqualTo("ok"));
        Assert.That(c.ExecuteScalar("SELECT v FROM t WHERE id = 1"), Is.EqualTo("kept"));
        Assert.That(c.ExecuteScalar("SELECT count(*) FROM t WHERE v = 'changed' OR v LIKE 'xxx%'"), Is.EqualTo(0L));
        c.Execute("INSERT INTO t(v) VALUES ('after')");
        Assert.That(c.ExecuteScalar("SELECT count(*) FROM t WHERE v = 'after'"), Is.EqualTo(1L));
        Assert.That(CommitProtocolTests.Snapshot(store), Is.Not.EqualTo(before));

        using var fresh = OpenDatabase(Stores.Reopen(kind, store), new FolioOptions { Name = c.Database.Name + "-check" });
        using var check = fresh.OpenConnection();
        Assert.That(check.ExecuteScalar("PRAGMA integrity_check"), Is.EqualTo("ok"));
        Assert.That(check.ExecuteScalar("SELECT count(*) FROM t WHERE v = 'after'"), Is.EqualTo(1L));
    }
}
