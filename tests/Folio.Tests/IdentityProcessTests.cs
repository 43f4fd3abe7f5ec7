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
        IdentityScenario.Play(file, () => Child("interactive-file", file), () => LineageOf(file), () =>
        {
            // B makes a fresh database elsewhere, quits, and its file is moved over A's.
            var elsewhere = Path.Combine(Stores.Directory, "b.folio");
            using (var b = Child("interactive-file", elsewhere))
            {
                IdentityScenario.AddThreeRows(b, "b");
            }
            var lineage = LineageOf(elsewhere);
            File.Move(elsewhere, file, overwrite: true);
            return lineage;
        }, () => FolioDatabase.Open(FilePageStore.Open(file), ownsStore: true));
    }

    [Test]
    public void AUserStoreThatLostItsDataUnderARunningProcess()
    {
        var directory = Path.Combine(Stores.Directory, "user-store");
        IdentityScenario.Play("userdb", () => Child("interactive-dir", directory), () => DirectoryLineage(directory), () =>
        {
            Directory.Delete(directory, recursive: true); // the store loses its data
            using (var b = Child("interactive-dir", directory))
            {
                IdentityScenario.AddThreeRows(b, "b");
            }
            return DirectoryLineage(directory);
        }, () => FolioDatabase.Open(DirectoryPageStore.Open(directory, "userdb"), new FolioOptions { Name = "userdb-check" }, ownsStore: true));
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
