using Folio.Storage;
using Microsoft.Data.Sqlite;
using NUnit.Framework;

namespace Folio.Tests;

[TestFixture(StoreKind.Memory, "none")]
[TestFixture(StoreKind.File, "none")]
[TestFixture(StoreKind.Memory, "lz4")]
[TestFixture(StoreKind.File, "aes")]
[TestFixture(StoreKind.Memory, "aes+zstd")]
[TestFixture(StoreKind.File, "aes+lz4")]
public class SqliteFeatureTests(StoreKind kind, string codec) : StoreTest(codec)
{
    [TestCase(512)]
    [TestCase(4096)]
    [TestCase(65536)]
    public void EveryPageSizeWorks(int pageSize)
    {
        var store = Stores.Create(kind, pageSize: pageSize);
        using var db = OpenDatabase(store);
        using var c = db.OpenConnection();
        c.Execute("CREATE TABLE t(v TEXT); INSERT INTO t SELECT printf('%0500d', value) FROM (WITH RECURSIVE s(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM s WHERE value < 300) SELECT value FROM s);");
        Assert.That(c.ExecuteScalar("PRAGMA page_size"), Is.EqualTo((long)pageSize));
        Assert.That(c.ExecuteScalar("SELECT count(*) FROM t"), Is.EqualTo(300L));
        Assert.That(c.ExecuteScalar("PRAGMA integrity_check"), Is.EqualTo("ok"));
        Assert.That(store.GetHead().PageCount * pageSize, Is.EqualTo((long)c.ExecuteScalar("PRAGMA page_count")! * pageSize));
    }

    [Test]
    public void OpeningWithAnotherPageSizeOrAnInvalidOneThrowsClearly()
    {
        var store = Stores.Create(kind, name: "sized", pageSize: 8192);
        using (var db = OpenDatabase(store))
        using (var c = db.OpenConnection())
        {
            c.Execute("CREATE TABLE t(x)");
        }
        if (store is FilePageStore file)
        {
            var mismatch = Assert.Throws<PageSizeMismatchException>(() => FilePageStore.Open(file.Path, "main", 4096))!;
            Assert.That(mismatch.Message, Does.Contain("8192").And.Contain("4096").And.Contain(file.Path));
        }
        else
        {
            var named = MemoryPageStore.GetOrCreate("sized-" + Guid.NewGuid(), 8192);
            var mismatch = Assert.Throws<PageSizeMismatchException>(() => MemoryPageStore.GetOrCreate(named.Name, 4096))!;
            Assert.That(mismatch.Message, Does.Contain("8192").And.Contain("4096").And.Contain(named.Name));
            MemoryPageStore.Drop(named.Name);
        }
        var invalid = Assert.Throws<ArgumentOutOfRangeException>(() => Stores.Create(kind, name: "bad", pageSize: 3000))!;
        Assert.That(invalid.Message, Does.Contain("3000").And.Contain("power of two"));
    }

    [Test]
    public void ThePageSizeCannotDriftFromTheStores()
    {
        var store = Stores.Create(kind);
        using var db = OpenDatabase(store);
        using var c = db.OpenConnection();
        c.Execute("CREATE TABLE t(v TEXT); INSERT INTO t VALUES ('x');");
        var error = Assert.Throws<FolioException>(() => c.Execute("PRAGMA page_size = 1024"))!;
        Assert.That(error.Message, Does.Contain("page_size is fixed at 4096"));
        c.Execute("PRAGMA page_size = 4096");
        c.Execute("VACUUM");
        Assert.That(c.ExecuteScalar("PRAGMA page_size"), Is.EqualTo(4096L));
        Assert.That(c.ExecuteScalar("SELECT v FROM t"), Is.EqualTo("x"));
    }

    [Test]
    public void VacuumAndIncrementalVacuumShrinkTheStore()
    {
        var store = Stores.Create(kind);
        using var db = OpenDatabase(store);
        using var c = db.OpenConnection();
        c.Execute("CREATE TABLE t(v BLOB); INSERT INTO t SELECT randomblob(3000) FROM (WITH RECURSIVE s(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM s WHERE value < 300) SELECT value FROM s);");
        var full = store.GetHead().PageCount;
        c.Execute("DELETE FROM t WHERE rowid % 2 = 0");
        Assert.That(store.GetHead().PageCount, Is.EqualTo(full), "DELETE alone frees pages inside the file");
        c.Execute("VACUUM");
        var vacuumed = store.GetHead().PageCount;
        Assert.That(vacuumed, Is.LessThan(full * 3 / 4));
        Assert.That(c.ExecuteScalar("PRAGMA integrity_check"), Is.EqualTo("ok"));

        c.Execute("PRAGMA auto_vacuum = INCREMENTAL; VACUUM;");
        c.Execute("DELETE FROM t WHERE rowid % 3 = 0");
        var beforeIncremental = store.GetHead().PageCount;
        c.Execute("PRAGMA incremental_vacuum");
        Assert.That(store.GetHead().PageCount, Is.LessThan(beforeIncremental));
        Assert.That(c.ExecuteScalar("PRAGMA integrity_check"), Is.EqualTo("ok"));
    }

    [Test]
    public void ATenMegabyteBlobRoundTrips()
    {
        var blob = new byte[10 * 1024 * 1024];
        new Random(7).NextBytes(blob);
        var store = Stores.Create(kind);
        using (var db = OpenDatabase(store))
        using (var c = db.OpenConnection())
        {
            c.Execute("CREATE TABLE b(v BLOB NOT NULL)");
            c.Execute("INSERT INTO b VALUES (?1)", blob);
        }
        using var again = OpenDatabase(Stores.Reopen(kind, store), new FolioOptions { Name = store.Name + "-2" });
        using var c2 = again.OpenConnection();
        Assert.That((byte[])c2.ExecuteScalar("SELECT v FROM b")!, Is.EqualTo(blob));
    }

    [Test]
    public void FullTextSearchWorks()
    {
        using var db = OpenDatabase(Stores.Create(kind));
        using var c = db.OpenConnection();
        c.Execute("CREATE VIRTUAL TABLE docs USING fts5(body)");
        c.Execute("INSERT INTO docs VALUES ('pages in a key-value store'), ('one atomic commit'), ('the store keeps pages')");
        Assert.That(c.ExecuteScalar("SELECT count(*) FROM docs WHERE docs MATCH 'pages'"), Is.EqualTo(2L));
        Assert.That(c.ExecuteScalar("SELECT body FROM docs WHERE docs MATCH 'atomic'"), Is.EqualTo("one atomic commit"));
    }

    [Test]
    public void WalJournalModeIsRefusedWithAClearMessage()
    {
        using var db = OpenDatabase(Stores.Create(kind));
        using var c = db.OpenConnection();
        var error = Assert.Throws<FolioException>(() => c.Execute("PRAGMA journal_mode = WAL"))!;
        Assert.That(error.Message, Does.Contain("journal_mode=WAL is not supported"));
        Assert.That(c.ExecuteScalar("PRAGMA journal_mode"), Is.EqualTo("memory"));
    }

    [Test]
    public void FolioPragmasReportTheStore()
    {
        var store = Stores.Create(kind);
        using var db = OpenDatabase(store);
        using var c = db.OpenConnection();
        c.Execute("CREATE TABLE t(x); INSERT INTO t VALUES (1);");
        Assert.That(c.ExecuteScalar("PRAGMA folio_version"), Is.EqualTo(store.GetHead().Version.ToString()));
        Assert.That(c.ExecuteScalar("PRAGMA folio_page_size"), Is.EqualTo("4096"));
        Assert.That((string)c.ExecuteScalar("PRAGMA folio_stats")!, Does.Contain("commits 2"));
    }

    [Test]
    public void MicrosoftDataSqliteOpensTheSameDatabaseThroughTheVfs()
    {
        using var db = OpenDatabase(Stores.Create(kind));
        using (var c = db.OpenConnection())
        {
            c.Execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t(v) VALUES ('from folio');");
        }

        using (var ado = new SqliteConnection(db.ConnectionString))
        {
            ado.Open();
            using var read = ado.CreateCommand();
            read.CommandText = "SELECT v FROM t WHERE id = 1";
            Assert.That(read.ExecuteScalar(), Is.EqualTo("from folio"));
            using var write = ado.CreateCommand();
            write.CommandText = "INSERT INTO t(v) VALUES ($v)";
            write.Parameters.AddWithValue("$v", "from Microsoft.Data.Sqlite");
            Assert.That(write.ExecuteNonQuery(), Is.EqualTo(1));
        }

        using var check = db.OpenConnection();
        Assert.That(check.ExecuteScalar("SELECT group_concat(v, '|') FROM t"), Is.EqualTo("from folio|from Microsoft.Data.Sqlite"));
        Assert.That(db.Statistics.Commits, Is.EqualTo(3));
    }
}
