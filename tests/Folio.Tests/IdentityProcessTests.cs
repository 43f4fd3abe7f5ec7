using Folio.Storage;
using Folio.Testing;
using NUnit.Framework;

namespace Folio.Tests;

/// <summary>
/// A store loses its history under a running OS process and another process starts a new
/// database in its place: the first process's next write fails with HistoryChangedException,
/// never lands on the new history, and its following call works on the new history.
/// </summary>
public class IdentityProcessTests : StoreTest
{
    [Test]
    public void AnOuterFileReplacedUnderARunningProcess()
    {
        var file = Path.Combine(Stores.Directory, "a.folio");
        using var a = Child("interactive-file", file);
        AddThreeRows(a, "a");
        var oldLineage = LineageOf(file);

        // B makes a fresh database elsewhere, quits, and its file is moved over A's.
        var elsewhere = Path.Combine(Stores.Directory, "b.folio");
        using (var b = Child("interactive-file", elsewhere))
        {
            AddThreeRows(b, "b");
        }
        var newLineage = LineageOf(elsewhere);
        File.Move(elsewhere, file, overwrite: true);

        AssertHistoryChanged(a, file, oldLineage, newLineage);
        using (var check = FolioDatabase.Open(FilePageStore.Open(file), ownsStore: true))
        using (var c = check.OpenConnection())
        {
            Assert.That(c.ExecuteScalar("SELECT group_concat(v, ',') FROM t"), Is.EqualTo("b1,b2,b3"), "B's rows are intact");
        }
        AssertWorksOnTheNewHistory(a);
    }

    [Test]
    public void AUserStoreThatLostItsDataUnderARunningProcess()
    {
        var directory = Path.Combine(Stores.Directory, "user-store");
        using var a = Child("interactive-dir", directory);
        AddThreeRows(a, "a");
        var oldLineage = DirectoryLineage(directory);

        Directory.Delete(directory, recursive: true); // the store loses its data
        using (var b = Child("interactive-dir", directory))
        {
            AddThreeRows(b, "b");
        }
        var newLineage = DirectoryLineage(directory);
        Assert.That(newLineage, Is.Not.EqualTo(oldLineage), "the recreated store has a new identity");

        AssertHistoryChanged(a, "userdb", oldLineage, newLineage);
        using (var check = FolioDatabase.Open(DirectoryPageStore.Open(directory, "userdb"), new FolioOptions { Name = "userdb-check" }, ownsStore: true))
        using (var c = check.OpenConnection())
        {
            Assert.That(c.ExecuteScalar("SELECT group_concat(v, ',') FROM t"), Is.EqualTo("b1,b2,b3"), "B's rows are intact");
        }
        AssertWorksOnTheNewHistory(a);
    }

    internal static void AddThreeRows(InteractiveChildProcess process, string prefix)
    {
        Assert.That(process.Exec("CREATE TABLE t(v TEXT NOT NULL)"), Is.EqualTo("ok"));
        for (var i = 1; i <= 3; i++)
        {
            Assert.That(process.Exec($"INSERT INTO t VALUES ('{prefix}{i}')"), Is.EqualTo("ok"));
        }
    }

    /// <summary>A's next insert fails clearly: the exception, the database, both identities, versions.</summary>
    internal static void AssertHistoryChanged(InteractiveChildProcess a, string database, StoreLineage oldLineage, StoreLineage newLineage)
    {
        var answer = a.Exec("INSERT INTO t VALUES ('a4, built on the lost history')");
        Assert.That(answer, Does.StartWith("error HistoryChangedException "));
        Assert.That(answer, Does.Contain(database)
            .And.Contain(oldLineage.DatabaseId.ToString("D"))
            .And.Contain(newLineage.DatabaseId.ToString("D"))
            .And.Contain("at version 4"), "the old history's version (a table and three rows)");
    }

    /// <summary>A's following calls see B's rows and write on the new history.</summary>
    internal static void AssertWorksOnTheNewHistory(InteractiveChildProcess a)
    {
        Assert.That(a.Scalar("SELECT group_concat(v, ',') FROM t"), Is.EqualTo("value b1,b2,b3"));
        Assert.That(a.Exec("INSERT INTO t VALUES ('a5')"), Is.EqualTo("ok"));
        Assert.That(a.Scalar("SELECT group_concat(v, ',') FROM t"), Is.EqualTo("value b1,b2,b3,a5"));
    }

    private static InteractiveChildProcess Child(string command, string path) =>
        new(Path.Combine(AppContext.BaseDirectory, "Folio.Tests.Child.dll"), command, path);

    private static StoreLineage LineageOf(string file)
    {
        using var store = FilePageStore.Open(file);
        return store.GetHead().Lineage;
    }

    private static StoreLineage DirectoryLineage(string directory)
    {
        using var store = DirectoryPageStore.Open(directory, "userdb");
        return store.GetHead().Lineage;
    }
}
