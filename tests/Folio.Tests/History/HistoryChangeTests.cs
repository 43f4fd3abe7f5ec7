using Folio.Storage;
using NUnit.Framework;

namespace Folio.Tests.History;

/// <summary>
/// A store that loses its history under a running process: the process fails its open work
/// clearly, never commits on the old history, and then works on the new one with no stale page
/// from the old one (neither Folio's cache nor SQLite's).
/// </summary>
public class HistoryChangeTests
{
    [Test]
    public void AnotherDatabaseUnderTheSameNameFailsTheNextStatementThenServesOnlyTheNewData()
    {
        var store = new ReplaceableStore("replaced-" + Guid.NewGuid().ToString("N"));
        using var db = FolioDatabase.Open(store);
        using var a = db.OpenConnection();
        a.Execute("CREATE TABLE t(v TEXT)");
        a.Execute("INSERT INTO t VALUES ('a1'), ('a2'), ('a3')");
        var oldLineage = store.GetHead().Lineage;

        // Another writer builds a database of the same shape, so SQLite's change counter and the
        // page count match what this connection cached: only the identity tells them apart.
        store.ReplaceWithFreshDatabase();
        using (var other = FolioDatabase.Open(store, new FolioOptions { ProcessScope = new object(), Name = store.Name + "-b" }))
        using (var b = other.OpenConnection())
        {
            b.Execute("CREATE TABLE t(v TEXT)");
            b.Execute("INSERT INTO t VALUES ('b1'), ('b2'), ('b3')");
        }
        var newLineage = store.GetHead().Lineage;

        var error = Assert.Throws<HistoryChangedException>(() => a.Execute("INSERT INTO t VALUES ('a4')"))!;
        Assert.That(error.ExpectedLineage, Is.EqualTo(oldLineage));
        Assert.That(error.FoundLineage, Is.EqualTo(newLineage));
        Assert.That(error.Message, Does.Contain(store.Name).And.Contain(oldLineage.DatabaseId.ToString("D")).And.Contain(newLineage.DatabaseId.ToString("D")));
        Assert.That(error.Sql, Is.EqualTo("INSERT INTO t VALUES ('a4')"));

        Assert.That(Rows(a), Is.EqualTo(new[] { "b1", "b2", "b3" }), "the next statement reads the new history, nothing cached from the old");
        a.Execute("INSERT INTO t VALUES ('a5')");
        Assert.That(Rows(a), Is.EqualTo(new[] { "b1", "b2", "b3", "a5" }));
        Assert.That(a.ExecuteScalar("PRAGMA integrity_check"), Is.EqualTo("ok"));
    }

    [Test]
    public void ACommitBuiltOnTheOldHistoryIsRefusedAndWritesNothing()
    {
        var store = new ReplaceableStore("refused-" + Guid.NewGuid().ToString("N"));
        using var db = FolioDatabase.Open(store);
        using var a = db.OpenConnection();
        a.Execute("CREATE TABLE t(v TEXT)");
        a.Execute("BEGIN");
        a.Execute("INSERT INTO t VALUES ('a1')");

        store.ReplaceWithFreshDatabase();
        var error = Assert.Throws<HistoryChangedException>(() => a.Execute("COMMIT"))!;
        Assert.That(error.Detail, Does.Contain("another history"));
        Assert.That(store.GetHead().Version, Is.EqualTo(0), "nothing reached the new database");
        if (SQLitePCL.raw.sqlite3_get_autocommit(a.Handle) == 0)
        {
            a.Execute("ROLLBACK");
        }
        a.Execute("CREATE TABLE t(v TEXT)");
        Assert.That(store.GetHead().Version, Is.EqualTo(1), "the next transaction works on the new history");
    }

    [Test]
    public void AVersionLowerThanOneAlreadySeenIsAHistoryChange()
    {
        var store = new ReplaceableStore("rewound-" + Guid.NewGuid().ToString("N"), ownLineage: true);
        using var db = FolioDatabase.Open(store);
        using var a = db.OpenConnection();
        a.Execute("CREATE TABLE t(v INTEGER)");
        for (var i = 1; i <= 4; i++)
        {
            a.Execute($"INSERT INTO t VALUES ({i})");
        }
        Assert.That(store.GetHead().Version, Is.EqualTo(5));

        store.RewindTo(3); // the table and rows 1 and 2
        var error = Assert.Throws<HistoryChangedException>(() => a.ExecuteScalar("SELECT count(*) FROM t"))!;
        Assert.That(error.Detail, Does.Contain("went back from 5 to 3"));
        Assert.That((error.ExpectedVersion, error.FoundVersion), Is.EqualTo((5L, 3L)));
        Assert.That(error.ExpectedLineage, Is.EqualTo(error.FoundLineage), "same identity, same epoch: only the version tells");

        Assert.That(a.ExecuteScalar("SELECT group_concat(v) FROM t"), Is.EqualTo("1,2"));
        a.Execute("INSERT INTO t VALUES (9)");
        Assert.That(a.ExecuteScalar("SELECT group_concat(v) FROM t"), Is.EqualTo("1,2,9"));
    }

    [Test]
    public void APageCopiedFromAnotherDatabaseFailsItsChecksumAndSaysSo()
    {
        var source = new MemoryPageStore("source-" + Guid.NewGuid().ToString("N"));
        var target = new MemoryPageStore("target-" + Guid.NewGuid().ToString("N"));
        foreach (var store in new[] { source, target })
        {
            using var db = FolioDatabase.Open(store);
            using var c = db.OpenConnection();
            c.Execute("CREATE TABLE t(v TEXT); INSERT INTO t VALUES ('same bytes');");
        }
        target.OverwriteStoredPageForTesting(1, source.GetStoredPage(1));

        using var reopened = FolioDatabase.Open(target, new FolioOptions { Name = target.Name + "-check", ProcessScope = new object() });
        using var reader = reopened.OpenConnection();
        var error = Assert.Throws<FolioException>(() => reader.ExecuteScalar("SELECT v FROM t"))!;
        var corrupt = (PageCorruptException)error.InnerException!;
        Assert.That(corrupt.PageNumber, Is.EqualTo(1));
        Assert.That(corrupt.Message, Does.Contain("another database").And.Contain(target.Lineage.DatabaseId.ToString("D")));
    }

    private static string[] Rows(FolioConnection connection) =>
        ((string?)connection.ExecuteScalar("SELECT group_concat(v, ',') FROM (SELECT v FROM t ORDER BY rowid)"))?.Split(',') ?? [];
}
