using Folio.Storage;
using NUnit.Framework;

namespace Folio.Queries.Tests;

/// <summary>
/// A generated class (its own VFS) and <see cref="FolioDatabase"/> (the general VFS) on one store
/// in one process are one database: one lock table, one page cache, one set of statistics.
/// </summary>
public class OneDatabaseStateTests
{
    [Test]
    public void AWriterThroughTheGeneratedClassWaitsForAReaderThroughTheGeneralVfs()
    {
        var store = new CountingStore();
        using var typed = OwnStoreDb.Open(store, new FolioOptions { BusyTimeout = TimeSpan.Zero });
        using var general = FolioDatabase.Open(store);
        Assert.That(general.VfsName, Is.Not.EqualTo(typed.Database.VfsName), "two registrations");
        typed.Put("k", "before");

        using var reader = general.OpenConnection();
        reader.Execute("BEGIN");
        Assert.That(reader.ExecuteScalar("SELECT v FROM kv WHERE k = 'k'"), Is.EqualTo("before"));

        // The reader's SHARED lock is in the same lock table as the writer's: the writer cannot
        // take EXCLUSIVE while it is held (with no busy timeout: SQLITE_BUSY at once).
        var busy = Assert.Throws<FolioException>(() => typed.Put("k", "after"))!;
        Assert.That(busy.IsBusy, Is.True, busy.Message);
        Assert.That(typed.Get("k"), Is.EqualTo("before"), "the refused write applied nothing");

        reader.Execute("COMMIT");
        typed.Put("k", "after");
        Assert.That(reader.ExecuteScalar("SELECT v FROM kv WHERE k = 'k'"), Is.EqualTo("after"));
    }

    [Test]
    public void BothSeeOneCacheAndOneSetOfStatistics()
    {
        var store = new CountingStore();
        using var typed = OwnStoreDb.Open(store);
        using var general = FolioDatabase.Open(store);
        Assert.That(general.Statistics, Is.SameAs(typed.Database.Statistics));

        typed.Put("k", "v");
        Assert.That(typed.Get("k"), Is.EqualTo("v"));
        var pagesRead = general.Statistics.PagesRead;
        var hits = general.Statistics.CacheHits;

        using var connection = general.OpenConnection();
        Assert.That(connection.ExecuteScalar("SELECT v FROM kv WHERE k = 'k'"), Is.EqualTo("v"));
        Assert.That(general.Statistics.PagesRead, Is.EqualTo(pagesRead), "the pages the generated class used are cached for the general VFS too");
        Assert.That(general.Statistics.CacheHits, Is.GreaterThan(hits));
    }

    [Test]
    public void TwoInstancesOfOneFileStoreShareTheLockTable()
    {
        var path = Path.Combine(Path.GetTempPath(), "folio-one-state-" + Guid.NewGuid().ToString("N") + ".db");
        try
        {
            using var first = FolioDatabase.Open(FilePageStore.Open(path), ownsStore: true);
            using var second = FolioDatabase.Open(FilePageStore.Open(path), new FolioOptions { BusyTimeout = TimeSpan.Zero }, ownsStore: true);
            Assert.That(second.Name, Is.Not.EqualTo(first.Name), "each store instance is attached under a name of its own");
            using var reader = first.OpenConnection();
            using var writer = second.OpenConnection();
            writer.Execute("CREATE TABLE t(x)");
            reader.Execute("BEGIN");
            Assert.That(reader.ExecuteScalar("SELECT count(*) FROM t"), Is.EqualTo(0L));
            Assert.That(Assert.Throws<FolioException>(() => writer.Execute("INSERT INTO t VALUES (1)"))!.IsBusy, Is.True);
            reader.Execute("COMMIT");
            writer.Execute("INSERT INTO t VALUES (1)");
            Assert.That(reader.ExecuteScalar("SELECT count(*) FROM t"), Is.EqualTo(1L));
        }
        finally
        {
            foreach (var file in Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + "*"))
            {
                File.Delete(file);
            }
        }
    }
}
