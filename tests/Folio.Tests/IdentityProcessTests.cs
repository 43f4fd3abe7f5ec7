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
        IdentityScenario.AddThreeRows(a, "a");
        var oldLineage = LineageOf(file);

        // B makes a fresh database elsewhere, quits, and its file is moved over A's.
        var elsewhere = Path.Combine(Stores.Directory, "b.folio");
        using (var b = Child("interactive-file", elsewhere))
        {
            IdentityScenario.AddThreeRows(b, "b");
        }
        var newLineage = LineageOf(elsewhere);
        File.Move(elsewhere, file, overwrite: true);

        IdentityScenario.AssertHistoryChanged(a, file, oldLineage, newLineage);
        using (var check = FolioDatabase.Open(FilePageStore.Open(file), ownsStore: true))
        using (var c = check.OpenConnection())
        {
            Assert.That(c.ExecuteScalar("SELECT group_concat(v, ',') FROM t"), Is.EqualTo("b1,b2,b3"), "B's rows are intact");
        }
        IdentityScenario.AssertWorksOnTheNewHistory(a);
    }

    [Test]
    public void AUserStoreThatLostItsDataUnderARunningProcess()
    {
        var directory = Path.Combine(Stores.Directory, "user-store");
        using var a = Child("interactive-dir", directory);
        IdentityScenario.AddThreeRows(a, "a");
        var oldLineage = DirectoryLineage(directory);

        Directory.Delete(directory, recursive: true); // the store loses its data
        using (var b = Child("interactive-dir", directory))
        {
            IdentityScenario.AddThreeRows(b, "b");
        }
        var newLineage = DirectoryLineage(directory);
        Assert.That(newLineage, Is.Not.EqualTo(oldLineage), "the recreated store has a new identity");

        IdentityScenario.AssertHistoryChanged(a, "userdb", oldLineage, newLineage);
        using (var check = FolioDatabase.Open(DirectoryPageStore.Open(directory, "userdb"), new FolioOptions { Name = "userdb-check" }, ownsStore: true))
        using (var c = check.OpenConnection())
        {
            Assert.That(c.ExecuteScalar("SELECT group_concat(v, ',') FROM t"), Is.EqualTo("b1,b2,b3"), "B's rows are intact");
        }
        IdentityScenario.AssertWorksOnTheNewHistory(a);
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
