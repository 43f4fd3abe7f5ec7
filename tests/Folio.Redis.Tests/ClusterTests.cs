using Folio.Redis.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using NUnit.Framework;

namespace Folio.Redis.Tests;

/// <summary>Many databases on a 3-master Redis Cluster: each in one slot, together spread over every master.</summary>
public sealed class ClusterTests
{
    [Test]
    public void AHundredDatabasesSpreadOverThreeMastersAndEachWorks()
    {
        using var cluster = RedisCluster.Start(masters: 3);
        using var redis = RedisPageStore.Connect(cluster.Configuration);
        var names = Enumerable.Range(0, 100).Select(i => $"tenant-{i:D3}").ToList();

        foreach (var name in names)
        {
            using var db = FolioDatabase.Open(RedisPageStore.Open(redis, name), ownsStore: true);
            using var c = db.OpenConnection();
            c.Execute("CREATE TABLE t(id INTEGER PRIMARY KEY, owner TEXT NOT NULL)");
            c.Execute("INSERT INTO t(owner) VALUES (?1), (?1)", name);
        }

        // Read every database back through a fresh connection, and through Microsoft.Data.Sqlite.
        using var again = RedisPageStore.Connect(cluster.Configuration);
        foreach (var name in names)
        {
            using var db = FolioDatabase.Open(RedisPageStore.Open(again, name), ownsStore: true);
            using var c = new SqliteConnection(db.ConnectionString);
            c.Open();
            using var command = c.CreateCommand();
            command.CommandText = "SELECT count(*) || ' ' || min(owner) FROM t";
            Assert.That(command.ExecuteScalar(), Is.EqualTo($"2 {name}"));
        }

        var keysPerMaster = cluster.Nodes.Select(n => long.Parse(n.Cli("DBSIZE").Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        TestContext.Out.WriteLine("keys per master: " + string.Join(", ", keysPerMaster));
        Assert.That(keysPerMaster, Has.All.GreaterThan(0));
        Assert.That(keysPerMaster.Sum(), Is.GreaterThanOrEqualTo(100 * 4), "meta, log and at least two pages per database");
        foreach (var name in names.Take(10))
        {
            var slot = redis.HashSlot($"{{folio:{name}}}:meta");
            Assert.That(redis.HashSlot($"{{folio:{name}}}:p:1"), Is.EqualTo(slot));
        }
    }
}
