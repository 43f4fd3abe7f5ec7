using Folio.Redis.Tests.Infrastructure;
using Folio.Storage;
using NUnit.Framework;

namespace Folio.Redis.Tests;

/// <summary>A ledger kept in Redis through [RedisStorage]: the generated Open, typed methods, the version check.</summary>
[PagedDatabase(PageSize = 4096)]
[RedisStorage]
[Migration(1, "CREATE TABLE entry(id INTEGER PRIMARY KEY, memo TEXT NOT NULL, amount INTEGER NOT NULL)")]
public partial class RedisLedgerDb
{
    [Query("INSERT INTO entry(memo, amount) VALUES ($memo, $amount) RETURNING id")]
    public partial long Add(string memo, long amount);

    [Query("SELECT id, memo, amount FROM entry ORDER BY id")]
    public partial List<(long Id, string Memo, long Amount)> Entries();

    [Query("SELECT coalesce(sum(amount), 0) FROM entry")]
    public partial long Balance();
}

/// <summary>The same database name opened by a class with another page size.</summary>
[PagedDatabase(PageSize = 1024)]
[RedisStorage]
public partial class SmallPageRedisDb
{
    [Query("SELECT count(*) FROM sqlite_schema")]
    public partial long Tables();
}

/// <summary>A class whose attribute fixes the database name.</summary>
[PagedDatabase]
[RedisStorage(Database = "redis-storage-settings")]
[Migration(1, "CREATE TABLE setting(k TEXT PRIMARY KEY, v TEXT NOT NULL)")]
public partial class RedisSettingsDb
{
    [Execute("INSERT OR REPLACE INTO setting VALUES ($k, $v)")]
    public partial void Put(string k, string v);

    [Query("SELECT v FROM setting WHERE k = $k")]
    public partial string? Get(string k);
}

[TestFixture(SharedRedis.Redis)]
[TestFixture(SharedRedis.Garnet)]
public sealed class RedisStorageTests(string server) : ServerFixture(server)
{
    [Test]
    public void AFixedDatabaseNameGivesAnOpenWithoutIt()
    {
        using (var db = RedisSettingsDb.Open(Connection))
        {
            Assert.That(db.Database.Name, Is.EqualTo("redis-storage-settings"));
            db.Put("theme", "dark");
        }
        using var other = Connect();
        using var again = RedisSettingsDb.Open(other, "redis-storage-settings");
        Assert.That(again.Get("theme"), Is.EqualTo("dark"));
    }

    [Test]
    public void WhatOneInstanceWritesAnotherReadsBackThroughItsOwnConnection()
    {
        var name = SharedRedis.NewName("redis-storage");
        using (var writer = RedisLedgerDb.Open(Connection, name))
        {
            Assert.That(writer.Add("opening", 100), Is.EqualTo(1));
            Assert.That(writer.Add("coffee", -4), Is.EqualTo(2));
            Assert.That(writer.Database.VfsName, Is.EqualTo(RedisLedgerDb.VfsName), "the class's own VFS, compiled for RedisPageStore");
            Assert.That(writer.Database.Store, Is.TypeOf<RedisPageStore>());
        }

        // Another multiplexer, as another process would have: nothing is shared but Redis.
        using var other = Connect();
        using var reader = RedisLedgerDb.Open(other, name);
        Assert.That(reader.Entries(), Is.EqualTo(new[] { (1L, "opening", 100L), (2L, "coffee", -4L) }));
        Assert.That(reader.Balance(), Is.EqualTo(96));
    }

    [Test]
    public void TwoOpenInstancesSeeEachOthersCommits()
    {
        var name = SharedRedis.NewName("redis-storage-two");
        using var other = Connect();
        using var a = RedisLedgerDb.Open(Connection, name);
        // In one process each attached database needs its own SQLite file name; another process would not.
        using var b = RedisLedgerDb.Open(RedisStoreFactory.Create(other, name, RedisLedgerDb.PageSize), new FolioOptions { ProcessScope = new object(), Name = name + "#b" }, ownsStore: true);

        a.Add("from a", 1);
        Assert.That(b.Balance(), Is.EqualTo(1));
        b.Add("from b", 10);
        Assert.That(a.Entries().Select(e => e.Memo), Is.EqualTo(new[] { "from a", "from b" }));
    }

    [Test]
    public void AStaleCommitIsRefusedNotApplied()
    {
        var name = SharedRedis.NewName("redis-storage-stale");
        using var other = Connect();
        using var a = RedisLedgerDb.Open(Connection, name);
        using var b = RedisLedgerDb.Open(RedisStoreFactory.Create(other, name, RedisLedgerDb.PageSize), new FolioOptions { ProcessScope = new object(), Name = name + "#b" }, ownsStore: true);

        using var stale = a.BeginTransaction();
        a.Add("a, read at the old version", 1);
        b.Add("b, committed first", 10);
        var error = Assert.Throws<FolioException>(() => stale.Commit());
        Assert.That(error!.IsBusy, Is.True, error.Message);
        Assert.That(error.InnerException, Is.InstanceOf<StoreConflictException>());

        Assert.That(a.Entries().Select(e => e.Memo), Is.EqualTo(new[] { "b, committed first" }));
        Assert.That(b.Balance(), Is.EqualTo(10));
    }

    [Test]
    public void AClassWithAnotherPageSizeIsRefusedByName()
    {
        var name = SharedRedis.NewName("redis-storage-size");
        using (var db = RedisLedgerDb.Open(Connection, name))
        {
            db.Add("x", 1);
        }
        var error = Assert.Throws<PageSizeMismatchException>(() => SmallPageRedisDb.Open(Connection, name));
        Assert.That(error!.Message, Does.Contain(name).And.Contain("4096").And.Contain("1024"));
    }
}
