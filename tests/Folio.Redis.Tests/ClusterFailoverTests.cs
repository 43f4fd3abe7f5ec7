using System.Diagnostics;
using Folio.Redis.Tests.Infrastructure;
using NUnit.Framework;

namespace Folio.Redis.Tests;

/// <summary>
/// A 3-master/3-replica Redis Cluster whose master of the database is killed in the middle of a
/// stream of commits made with <see cref="RedisStoreOptions.WaitForReplicas"/> = 1: its replica is
/// promoted, the old master comes back as a replica of it, and no acknowledged commit is missing.
/// </summary>
[NonParallelizable]
public sealed class ClusterFailoverTests
{
    [Test]
    public void AMasterKilledMidWorkloadLosesNoCommitItsReplicaConfirmed()
    {
        using var cluster = RedisCluster.Start(masters: 3, replicasPerMaster: 1);
        var options = new RedisStoreOptions { WaitForReplicas = 1, ReplicaWaitTimeout = TimeSpan.FromSeconds(1), CommandTimeout = TimeSpan.FromSeconds(2) };
        using var redis = RedisPageStore.Connect(cluster.Configuration, options);
        var name = SharedRedis.NewName("failover");
        using var db = FolioDatabase.Open(RedisPageStore.Open(redis, name, options: options), ownsStore: true);
        using var c = db.OpenConnection();
        c.Execute("CREATE TABLE log(id INTEGER PRIMARY KEY)");

        var acknowledged = new List<long>();
        var failed = 0;
        var attempt = 0L;
        void InsertUntil(Func<bool> done, string what)
        {
            var deadline = Stopwatch.StartNew();
            while (!done())
            {
                if (deadline.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new TimeoutException($"{what}: not reached within 60 s ({acknowledged.Count} acknowledged, {failed} failed)");
                }
                attempt++;
                try
                {
                    c.Execute("INSERT INTO log(id) VALUES (?1)", attempt);
                    acknowledged.Add(attempt);
                }
                catch (FolioException)
                {
                    // Unknown outcome or refused while the cluster fails over: not acknowledged, so not checked.
                    failed++;
                    Thread.Sleep(50);
                }
            }
        }

        InsertUntil(() => acknowledged.Count >= 20, "20 commits before the kill");
        var master = cluster.MasterOf($"{{folio:{name}}}:meta");
        master.Kill();
        var acknowledgedAtKill = acknowledged.Count;
        InsertUntil(() => !master.IsRunning && cluster.Nodes.Any(n => n != master && n.IsRunning && IsMasterOf(cluster, n, name)), "a replica promoted");
        master.Restart(); // it rejoins as a replica of the promoted node, so commits can be confirmed again
        InsertUntil(() => acknowledged.Count >= acknowledgedAtKill + 20, "20 commits confirmed after the failover");

        var stored = c.Query("SELECT id FROM log").Select(row => (long)row[0]!).ToHashSet();
        TestContext.Out.WriteLine($"{acknowledged.Count} acknowledged, {failed} failed, {stored.Count} stored");
        Assert.That(acknowledged.Where(id => !stored.Contains(id)), Is.Empty, "every acknowledged commit survived the failover");
        Assert.That(failed, Is.GreaterThan(0), "the kill was felt by the workload");
    }

    private static bool IsMasterOf(RedisCluster cluster, RedisServer node, string name)
    {
        try
        {
            return cluster.MasterOf($"{{folio:{name}}}:meta") == node;
        }
        catch (InvalidOperationException)
        {
            return false; // no master, or two, while the cluster changes
        }
    }
}
