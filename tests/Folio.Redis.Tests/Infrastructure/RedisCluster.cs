using System.Diagnostics;

namespace Folio.Redis.Tests.Infrastructure;

/// <summary>A Redis Cluster of masters (and optionally replicas of each), each a <see cref="RedisServer"/> on loopback, formed with redis-cli.</summary>
internal sealed class RedisCluster : IDisposable
{
    private RedisCluster(RedisServer[] nodes)
    {
        Nodes = nodes;
    }

    public IReadOnlyList<RedisServer> Nodes { get; }

    /// <summary>The StackExchange.Redis configuration string naming every node.</summary>
    public string Configuration => string.Join(",", Nodes.Select(n => n.Configuration));

    /// <summary>Starts <paramref name="masters"/> masters with <paramref name="replicasPerMaster"/> replicas each (redis-cli's <c>--cluster-replicas</c>).</summary>
    public static RedisCluster Start(int masters, int replicasPerMaster = 0)
    {
        var nodes = new List<RedisServer>();
        try
        {
            for (var i = 0; i < masters * (1 + replicasPerMaster); i++)
            {
                nodes.Add(RedisServer.StartClusterNode());
            }
            RedisServer.RunTool("redis-cli", ["--cluster", "create", .. nodes.Select(n => n.Configuration),
                "--cluster-replicas", replicasPerMaster.ToString(System.Globalization.CultureInfo.InvariantCulture), "--cluster-yes"]);
            var deadline = Stopwatch.StartNew();
            while (!nodes.All(n => n.Cli("cluster", "info").Contains("cluster_state:ok", StringComparison.Ordinal))
                   || nodes.Count(n => n.Cli("info", "replication").Contains("master_link_status:up", StringComparison.Ordinal)) < masters * replicasPerMaster)
            {
                if (deadline.Elapsed > TimeSpan.FromSeconds(30))
                {
                    throw new TimeoutException("The Redis Cluster did not reach cluster_state:ok with every replica linked within 30 s: " + nodes[0].Cli("cluster", "info"));
                }
                Thread.Sleep(100);
            }
            return new RedisCluster(nodes.ToArray());
        }
        catch
        {
            foreach (var node in nodes)
            {
                node.Dispose();
            }
            throw;
        }
    }

    /// <summary>The master that serves <paramref name="key"/>'s hash slot now.</summary>
    public RedisServer MasterOf(string key)
    {
        var slot = Nodes.First(n => n.IsRunning).Cli("CLUSTER", "KEYSLOT", key).Trim();
        return Nodes.Single(n => n.IsRunning
            && n.Cli("INFO", "replication").Contains("role:master", StringComparison.Ordinal)
            && n.Cli("CLUSTER", "COUNTKEYSINSLOT", slot).Trim() != "0");
    }

    public void Dispose()
    {
        foreach (var node in Nodes)
        {
            node.Dispose();
        }
    }
}
