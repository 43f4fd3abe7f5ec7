using Folio.Storage;
using Folio.Testing;
using NUnit.Framework;

namespace Folio.Tests;

[TestFixture(StoreKind.Memory)]
[TestFixture(StoreKind.File)]
public class FaultTests(StoreKind kind) : StoreTest
{
    [Test]
    public void AFailedCommitLeavesEveryStoredByteAsItWasAndTheNextTransactionWorks()
    {
        var inner = Stores.Create(kind);
        var store = new FaultInjectingPageStore(inner);
        using var db = FolioDatabase.Open(store);
        using var c = db.OpenConnection();
        c.Execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
        c.Execute("INSERT INTO t(v) VALUES ('kept')");
        var before = CommitProtocolTests.Snapshot(inner);

        store.FailCommits = true;
        var error = Assert.Throws<FolioException>(() =>
        {
            c.Execute("BEGIN");
            for (var i = 0; i < 500; i++)
            {
                c.Execute("INSERT INTO t(v) VALUES (?1)", new string('y', 200));
            }
            c.Execute("COMMIT");
        })!;
        Assert.That(error.InnerException, Is.TypeOf<IOException>());
        Assert.That(error.Message, Does.Contain("Injected fault").And.Contain(db.Name));
        Assert.That(CommitProtocolTests.Snapshot(inner), Is.EqualTo(before));
        if (SQLitePCL.raw.sqlite3_get_autocommit(c.Handle) == 0)
        {
            c.Execute("ROLLBACK");
        }

        store.FailCommits = false;
        using (var fresh = FolioDatabase.Open(Stores.Reopen(kind, inner), new FolioOptions { Name = db.Name + "-reopened" }))
        using (var check = fresh.OpenConnection())
        {
            Assert.That(check.ExecuteScalar("PRAGMA integrity_check"), Is.EqualTo("ok"));
            Assert.That(check.ExecuteScalar("SELECT group_concat(v) FROM t"), Is.EqualTo("kept"));
        }
        c.Execute("INSERT INTO t(v) VALUES ('after')");
        Assert.That(c.ExecuteScalar("SELECT count(*) FROM t"), Is.EqualTo(2L));
        Assert.That(CommitProtocolTests.Snapshot(inner), Is.Not.EqualTo(before));
    }

    [Test]
    public void AFlippedByteInAStoredPageIsReportedWithItsPageNumber()
    {
        var store = Stores.Create(kind);
        using (var db = FolioDatabase.Open(store))
        using (var c = db.OpenConnection())
        {
            c.Execute("CREATE TABLE t(v BLOB); INSERT INTO t VALUES (randomblob(20000));");
        }
        var page = 3L;
        var stored = kind == StoreKind.Memory ? ((MemoryPageStore)store).GetStoredPage(page)! : ((FilePageStore)store).GetStoredPage(page)!;
        stored[ChecksumPageCodec.HeaderSize + 100] ^= 0x40;
        if (store is MemoryPageStore memory)
        {
            memory.OverwriteStoredPageForTesting(page, stored);
        }
        else
        {
            ((FilePageStore)store).OverwriteStoredPageForTesting(page, stored);
        }

        using var db2 = FolioDatabase.Open(store, new FolioOptions { ProcessScope = new object(), Name = store.Name + "-again", CachePages = 0 });
        using var c2 = db2.OpenConnection();
        var error = Assert.Throws<FolioException>(() => c2.Execute("SELECT hex(v) FROM t"))!;
        Assert.That(error.InnerException, Is.TypeOf<PageCorruptException>());
        Assert.That(((PageCorruptException)error.InnerException!).PageNumber, Is.EqualTo(page));
        Assert.That(error.Message, Does.Contain("page 3 is corrupt").And.Contain("checksum"));
        // The process and the connection survive: unrelated statements still run.
        Assert.That(c2.ExecuteScalar("SELECT 40 + 2"), Is.EqualTo(42L));
    }
}
