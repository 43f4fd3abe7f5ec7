using Folio.Storage;
using NUnit.Framework;

namespace Folio.Queries.Tests;

public class StorageTests
{
    [Test]
    public void PageStorageTakesAStoreInstanceAndLeavesItToTheCaller()
    {
        var store = new CountingStore();
        using (var db = OwnStoreDb.Open(store))
        {
            db.Put("a", "1");
            Assert.That(db.Get("a"), Is.EqualTo("1"));
            Assert.That(db.Database.VfsName, Is.EqualTo("folio:Folio.Queries.Tests.OwnStoreDb"));
        }
        Assert.That(store.Commits, Is.GreaterThanOrEqualTo(2), "the migration and the put each committed");
        Assert.That(store.Disposed, Is.False);
    }

    [Test]
    public void PageStorageWithADefaultConstructorAlsoOpensWithoutArguments()
    {
        using var db = OwnStoreDb.Open();
        db.Put("k", "v");
        Assert.That(db.Get("k"), Is.EqualTo("v"));
        Assert.That(db.Database.Store, Is.TypeOf<CountingStore>());
    }

    [Test]
    public void AThirdPartyStorageAttributeGetsItsFactoryOverloads()
    {
        CountingStoreFactory.Created.Clear();
        using (var db = ThirdPartyDb.Open("given-", "x"))
        {
            db.Put("a", "1");
            Assert.That(db.Database.VfsName, Is.EqualTo("counting-vfs"));
            Assert.That(db.Database.PageSize, Is.EqualTo(1024));
        }
        // Prefix = "p-" on the attribute fixes the factory's 'prefix' parameter.
        using (var db = ThirdPartyDb.Open("y"))
        {
            db.Put("b", "2");
        }
        Assert.That(CountingStoreFactory.Created, Is.EqualTo(new[] { "given-x", "p-y" }));
    }

    [Test]
    public void AnyStoreOpensThroughOpenIPageStoreEvenWhenNotOfTheVfsType()
    {
        // OwnStoreDb's VFS is compiled for CountingStore; a memory store goes through the general VFS.
        using var db = OwnStoreDb.Open(new MemoryPageStore("other-" + Guid.NewGuid().ToString("N")), null, ownsStore: true);
        db.Put("a", "b");
        Assert.That(db.Get("a"), Is.EqualTo("b"));
        Assert.That(db.Database.VfsName, Is.EqualTo("folio"));
    }

    [Test]
    public void AStoreOfAnotherPageSizeIsRefused()
    {
        var error = Assert.Throws<PageSizeMismatchException>(() => ThirdPartyDb.Open(new MemoryPageStore("big-" + Guid.NewGuid().ToString("N"), 4096)));
        Assert.That(error!.Message, Does.Contain("4096").And.Contain("1024"));
    }

    [Test]
    public void FileStorageKeepsDataInTheFileAcrossOpens()
    {
        var directory = Path.Combine(Path.GetTempPath(), "folio-filedb-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (var db = FileDb.Open(directory))
            {
                db.Put("a", "1");
                db.Put("b", "2");
            }
            Assert.That(File.Exists(Path.Combine(directory, FilePageStore.DefaultFileName)), Is.True);
            using (var db = FileDb.Open(directory))
            {
                Assert.That(db.All(), Is.EqualTo(new[] { ("a", "1"), ("b", "2") }));
                Assert.That(db.Database.Store, Is.TypeOf<FilePageStore>());
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public void FileStorageWithAPathOpensWithoutArgumentsRelativeToTheCurrentDirectory()
    {
        var previous = Environment.CurrentDirectory;
        var directory = Directory.CreateTempSubdirectory("folio-cwd-").FullName;
        try
        {
            Environment.CurrentDirectory = directory;
            using (var db = FileDb.Open())
            {
                db.Put("x", "y");
            }
            Assert.That(File.Exists(Path.Combine(directory, "folio-data", "file-db", FilePageStore.DefaultFileName)), Is.True);
        }
        finally
        {
            Environment.CurrentDirectory = previous;
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public void TheVfsRegistersOnceWhenManyThreadsOpenAtOnce()
    {
        Assert.That(Folio.Vfs.VfsRegistration.Find(FirstUseDb.VfsName), Is.Null, "nothing opened this class before");
        using var start = new Barrier(8);
        var results = new System.Collections.Concurrent.ConcurrentDictionary<int, object>();
        var threads = Enumerable.Range(0, 8).Select(i => new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                using var db = FirstUseDb.Open($"first-use-{i}-{Guid.NewGuid():N}");
                db.Insert(i);
                results[i] = db.All().Single();
            }
            catch (Exception e)
            {
                results[i] = e;
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.That(Enumerable.Range(0, 8).Select(i => results[i]), Is.EqualTo(Enumerable.Range(0, 8).Select(i => (object)(long)i)));
        Assert.That(Folio.Vfs.VfsRegistration.Find(FirstUseDb.VfsName), Is.Not.Null);
    }

    [TestCase(FileStoreMode.Exclusive)]
    [TestCase(FileStoreMode.Shared)]
    public void AStreamedTypedQueryCanUpdateEachRowOnAFileStoreWithSmallCaches(FileStoreMode mode)
    {
        var directory = Path.Combine(Path.GetTempPath(), "folio-stream-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var db = TodoDb.Open(FilePageStore.Open(Path.Combine(directory, "todo.folio"), options: new FileStoreOptions { Mode = mode }),
                new FolioOptions { CachePages = 4 }, ownsStore: true);
            db.Connection.Execute("PRAGMA cache_size = 2");
            db.Transaction(d =>
            {
                for (var i = 0; i < 150; i++)
                {
                    d.Add(new string('t', 500) + i, Priority.Normal, null);
                }
            });

            var updated = 0;
            foreach (var todo in db.Stream())
            {
                updated += db.MarkDone(todo.Id); // commits while the stream's read is still open
            }

            Assert.That(updated, Is.EqualTo(150));
            Assert.That(db.List(done: false), Is.Empty);
            Assert.That(db.Connection.ExecuteScalar("PRAGMA integrity_check"), Is.EqualTo("ok"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
