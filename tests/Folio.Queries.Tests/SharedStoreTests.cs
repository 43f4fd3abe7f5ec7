using Folio.Storage;
using NUnit.Framework;

namespace Folio.Queries.Tests;

/// <summary>Two objects of one database class on the same file, in one process.</summary>
public class SharedStoreTests
{
    [Test]
    public void TwoOpensOfTheSameFileAreOneDatabaseInThisProcess()
    {
        var directory = Path.Combine(Path.GetTempPath(), "folio-shared-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (var a = FileDb.Open(directory))
            {
                using (var b = FileDb.Open(directory))
                {
                    a.Put("k", "from a");
                    Assert.That(b.Get("k"), Is.EqualTo("from a"));
                    // Two store instances, one database: one set of statistics (and with it one
                    // lock table and one page cache), found by the database's identity.
                    Assert.That(b.Database.Store, Is.Not.SameAs(a.Database.Store));
                    Assert.That(b.Database.Statistics, Is.SameAs(a.Database.Statistics));
                }
                // b is closed; a keeps working on the store it shared.
                a.Put("k2", "still open");
            }
            using var c = FileDb.Open(directory);
            Assert.That(c.All(), Is.EqualTo(new[] { ("k", "from a"), ("k2", "still open") }));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public void TwoStoresThatShareANameAreTwoDatabases()
    {
        var name = "same-name-" + Guid.NewGuid().ToString("N");
        var firstStore = new CountingStore(name, 4096);
        var secondStore = new CountingStore(name, 4096);
        using var first = OwnStoreDb.Open(firstStore);
        using var second = OwnStoreDb.Open(secondStore);
        first.Put("k", "first");
        second.Put("k", "second");
        Assert.That((first.Get("k"), second.Get("k")), Is.EqualTo(("first", "second")), "neither writes into the other");
        Assert.That((firstStore.Commits, secondStore.Commits), Is.EqualTo((2, 2)), "migration and one put each, each in its own store");
        Assert.That(second.Database.Name, Is.Not.EqualTo(first.Database.Name), "SQLite sees two files");
        Assert.That(second.Database.Statistics, Is.Not.SameAs(first.Database.Statistics));
    }

    [Test]
    public void AChosenNameHeldByAnotherDatabaseIsRefused()
    {
        var name = "chosen-" + Guid.NewGuid().ToString("N");
        using var first = FolioDatabase.Open(new MemoryPageStore("a"), new FolioOptions { Name = name });
        var error = Assert.Throws<InvalidOperationException>(() => FolioDatabase.Open(new MemoryPageStore("b"), new FolioOptions { Name = name }));
        Assert.That(error!.Message, Does.Contain("already has a database named").And.Contain("identity"));
    }
}
