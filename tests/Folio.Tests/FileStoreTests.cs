using Folio.Storage;
using Folio.Testing;
using Microsoft.Data.Sqlite;
using NUnit.Framework;
using SQLitePCL;

namespace Folio.Tests;

/// <summary>The file store's own rules: exclusive-mode reads, one set of settings per file, no connection left in a transaction.</summary>
public class FileStoreTests : StoreTest
{
    [TestCase(FileStoreMode.Exclusive)]
    [TestCase(FileStoreMode.Shared)]
    public void AStreamedQueryThatUpdatesEachRowReadsOnAfterItsOwnCommits(FileStoreMode mode)
    {
        var file = Path.Combine(Stores.Directory, "stream.folio");
        using var store = FilePageStore.Open(file, options: new FileStoreOptions { Mode = mode });
        using var db = FolioDatabase.Open(store, new FolioOptions { CachePages = 4 });
        using var c = db.OpenConnection();
        c.Execute("PRAGMA cache_size = 2");
        c.Execute("CREATE TABLE t(id INTEGER PRIMARY KEY, n INTEGER NOT NULL, pad TEXT NOT NULL)");
        c.Execute("BEGIN");
        for (var i = 0; i < 200; i++)
        {
            c.Execute("INSERT INTO t(n, pad) VALUES (0, ?1)", new string('p', 600));
        }
        c.Execute("COMMIT");

        // The SELECT keeps the read open while each UPDATE commits (autocommit) on the same connection.
        Assert.That(raw.sqlite3_prepare_v2(c.Handle, "SELECT id FROM t ORDER BY id", out var select), Is.EqualTo(raw.SQLITE_OK));
        var seen = 0;
        using (select)
        {
            int rc;
            while ((rc = raw.sqlite3_step(select)) == raw.SQLITE_ROW)
            {
                c.Execute("UPDATE t SET n = n + 1 WHERE id = ?1", raw.sqlite3_column_int64(select, 0));
                seen++;
            }
            c.Check(rc, "SELECT id FROM t");
        }

        Assert.That(seen, Is.EqualTo(200));
        Assert.That(c.ExecuteScalar("SELECT sum(n) FROM t"), Is.EqualTo(200L));
        Assert.That(c.ExecuteScalar("PRAGMA integrity_check"), Is.EqualTo("ok"));
    }

    [Test]
    public void AnExclusiveReadPinnedBeforeAnotherCommitFailsOnlyOnThePagesThatCommitChanged()
    {
        using var store = FilePageStore.Open(Path.Combine(Stores.Directory, "pinned.folio"), options: new FileStoreOptions { Mode = FileStoreMode.Exclusive });
        var lineage = store.GetHead().Lineage;
        store.Commit(new StoreCommit(lineage, 0, 4, [Page(0, 1), Page(1, 1), Page(2, 1), Page(3, 1)]));
        using var pinned = store.BeginRead(0);
        store.Commit(new StoreCommit(lineage, 1, 3, [Page(1, 2)]));

        var buffer = new byte[4096 + 64];
        Assert.That(pinned.ReadPage(0, buffer), Is.EqualTo(4096));
        Assert.That(buffer[0], Is.EqualTo(1), "an unchanged page reads as the pinned version had it");
        Assert.Throws<StoreConflictException>(() => pinned.ReadPage(1, buffer), "page 1 changed after the pin");
        Assert.Throws<StoreConflictException>(() => pinned.ReadPage(3, buffer), "page 3 was cut off after the pin");

        pinned.Dispose();
        using var fresh = store.BeginRead(0);
        Assert.That(fresh.ReadPage(1, buffer), Is.EqualTo(4096));
        Assert.That(buffer[0], Is.EqualTo(2));
    }

    [Test]
    public void ASecondOpenWithOtherDurabilityOrBusyTimeoutIsRefusedByName()
    {
        var file = Path.Combine(Stores.Directory, "settings.folio");
        using var first = FilePageStore.Open(file, options: new FileStoreOptions { Durable = true, BusyTimeout = TimeSpan.FromSeconds(10) });

        var durable = Assert.Throws<InvalidOperationException>(() => FilePageStore.Open(file, "other", options: new FileStoreOptions { Durable = false }));
        Assert.That(durable!.Message, Does.Contain(file).And.Contain("Durable = True").And.Contain("Durable = False"));
        var timeout = Assert.Throws<InvalidOperationException>(() => FilePageStore.Open(file, "other", options: new FileStoreOptions { BusyTimeout = TimeSpan.FromSeconds(1) }));
        Assert.That(timeout!.Message, Does.Contain(file).And.Contain("00:00:10").And.Contain("00:00:01"));

        using var same = FilePageStore.Open(file, "other", options: new FileStoreOptions { Durable = true, BusyTimeout = TimeSpan.FromSeconds(10) });
        Assert.That(same.GetHead().Version, Is.Zero);
    }

    [TestCase(FileStoreMode.Shared)]
    [TestCase(FileStoreMode.Exclusive)]
    public void AConnectionWhoseRollbackFailedIsClosedNotPooled(FileStoreMode mode)
    {
        var file = Path.Combine(Stores.Directory, "rollback.folio");
        using var store = FilePageStore.Open(file, options: new FileStoreOptions { Mode = mode });
        var lineage = store.GetHead().Lineage;
        store.Commit(new StoreCommit(lineage, 0, 1, [Page(0, 1)]));

        // A stale commit fails inside the outer BEGIN IMMEDIATE; its ROLLBACK is made to fail too.
        OuterConnection.RollbackForTesting = _ => raw.SQLITE_IOERR;
        try
        {
            Assert.Throws<StoreConflictException>(() => store.Commit(new StoreCommit(lineage, 0, 1, [Page(0, 9)])));
        }
        finally
        {
            OuterConnection.RollbackForTesting = null;
        }

        if (mode == FileStoreMode.Shared)
        {
            // Another writer of the file (another process would be the same) is not locked out.
            Assert.That(raw.sqlite3_open(file, out var other), Is.EqualTo(raw.SQLITE_OK));
            using (other)
            {
                raw.sqlite3_busy_timeout(other, 200);
                Assert.That(raw.sqlite3_exec(other, "BEGIN IMMEDIATE"), Is.EqualTo(raw.SQLITE_OK), raw.sqlite3_errmsg(other).utf8_to_string());
                Assert.That(raw.sqlite3_exec(other, "ROLLBACK"), Is.EqualTo(raw.SQLITE_OK));
            }
        }
        Assert.That(store.Commit(new StoreCommit(lineage, 1, 1, [Page(0, 2)])), Is.EqualTo(2), "the store's next commit works");
        var buffer = new byte[4096 + 64];
        using var reader = store.BeginRead(0);
        Assert.That(reader.ReadPage(0, buffer), Is.EqualTo(4096));
        Assert.That(buffer[0], Is.EqualTo(2));
    }

    [TestCase(FileStoreMode.Shared)]
    [TestCase(FileStoreMode.Exclusive)]
    public void AnOuterFileReplacedUnderTheProcessIsNoticedAndItsHistoryIsTheOneReported(FileStoreMode mode)
    {
        var file = Path.Combine(Stores.Directory, "replaced.folio");
        using var store = FilePageStore.Open(file, options: new FileStoreOptions { Mode = mode });
        using var db = FolioDatabase.Open(store);
        using var c = db.OpenConnection();
        c.Execute("CREATE TABLE t(v TEXT NOT NULL); INSERT INTO t VALUES ('old');");
        var oldLineage = store.GetHead().Lineage;

        var elsewhere = Path.Combine(Stores.Directory, "elsewhere.folio");
        using (var other = FolioDatabase.Open(FilePageStore.Open(elsewhere), ownsStore: true))
        using (var oc = other.OpenConnection())
        {
            oc.Execute("CREATE TABLE t(v TEXT NOT NULL); INSERT INTO t VALUES ('new 1'), ('new 2');");
        }
        File.Move(elsewhere, file, overwrite: true);

        var error = Assert.Throws<HistoryChangedException>(() => c.Execute("INSERT INTO t VALUES ('built on the old file')"));
        Assert.That(error!.ExpectedLineage, Is.EqualTo(oldLineage));
        Assert.That(error.FoundLineage, Is.Not.EqualTo(oldLineage));
        Assert.That(error.Message, Does.Contain(oldLineage.DatabaseId.ToString("D")).And.Contain(error.FoundLineage.DatabaseId.ToString("D")));
        Assert.That(store.GetHead().Lineage, Is.EqualTo(error.FoundLineage));
        Assert.That(c.ExecuteScalar("SELECT group_concat(v, ',') FROM t"), Is.EqualTo("new 1,new 2"), "the next call works on the new file");
        c.Execute("INSERT INTO t VALUES ('new 3')");
        using var check = FilePageStore.Open(Path.Combine(Stores.Directory, "replaced.folio"), options: new FileStoreOptions { Mode = mode });
        Assert.That(check.GetHead().Lineage, Is.EqualTo(error.FoundLineage));
        Assert.That(check.GetHead().Version, Is.EqualTo(3), "two commits of the other file, one of this process after the switch");
    }

    [Test]
    public void AnOuterFileDeletedUnderTheProcessIsADatabaseGone()
    {
        var file = Path.Combine(Stores.Directory, "deleted.folio");
        using var store = FilePageStore.Open(file);
        store.Commit(new StoreCommit(store.GetHead().Lineage, 0, 1, [Page(0, 1)]));
        File.Delete(file);
        var error = Assert.Throws<HistoryChangedException>(() => store.GetHead());
        Assert.That(error!.FoundLineage.IsEmpty, Is.True);
        Assert.That(error.Message, Does.Contain("deleted").And.Contain(file));
        Assert.That(File.Exists(file), Is.False, "nothing is created in its place");
    }

    [Test]
    public void AnOuterFileFromBeforeIdentitiesGetsOneOnOpenAndStaysReadable()
    {
        var pages = LegacyDatabase.Pages();
        var file = Path.Combine(Stores.Directory, "legacy.folio");
        using (var legacy = new SqliteConnection($"Data Source={file};Pooling=False"))
        {
            legacy.Open();
            using var create = legacy.CreateCommand();
            create.CommandText = """
                PRAGMA journal_mode = WAL;
                CREATE TABLE folio_database(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, page_size INTEGER NOT NULL,
                    page_count INTEGER NOT NULL, version INTEGER NOT NULL, committed_at INTEGER NOT NULL);
                CREATE TABLE folio_page(key INTEGER PRIMARY KEY, data BLOB NOT NULL);
                """;
            create.ExecuteNonQuery();
            using var row = legacy.CreateCommand();
            row.CommandText = "INSERT INTO folio_database VALUES (1, 'main', 4096, $count, 1, 0)";
            row.Parameters.AddWithValue("$count", pages.Count);
            row.ExecuteNonQuery();
            foreach (var page in pages)
            {
                using var insert = legacy.CreateCommand();
                insert.CommandText = "INSERT INTO folio_page VALUES ($key, $data)";
                insert.Parameters.AddWithValue("$key", (1L << 40) | page.Number);
                insert.Parameters.AddWithValue("$data", page.Data.ToArray());
                insert.ExecuteNonQuery();
            }
        }

        StoreLineage lineage;
        using (var store = FilePageStore.Open(file))
        {
            lineage = store.GetHead().Lineage;
            Assert.That(lineage.IsEmpty, Is.False, "the database got an identity");
            Assert.That(store.GetHead().Version, Is.EqualTo(1));
            using var db = FolioDatabase.Open(store);
            using var c = db.OpenConnection();
            Assert.That(c.ExecuteScalar("SELECT group_concat(v, ',') FROM t"), Is.EqualTo(LegacyDatabase.Rows), "format 1 pages still verify");
            c.Execute("INSERT INTO t VALUES ('new')");
        }
        using var again = FolioDatabase.Open(FilePageStore.Open(file), ownsStore: true);
        Assert.That(again.Store.GetHead().Lineage, Is.EqualTo(lineage), "the identity is kept, not made anew at each open");
        using var ac = again.OpenConnection();
        Assert.That(ac.ExecuteScalar("SELECT group_concat(v, ',') FROM t"), Is.EqualTo(LegacyDatabase.Rows + ",new"));
        Assert.That(ac.ExecuteScalar("PRAGMA integrity_check"), Is.EqualTo("ok"));
    }

    internal static StorePage Page(long number, byte fill)
    {
        var data = new byte[4096];
        data.AsSpan().Fill(fill);
        return new StorePage(number, data);
    }
}
