using System.Diagnostics;

namespace Folio.Redis.Tests.Infrastructure;

/// <summary>A Redis Cluster of masters only, each a <see cref="RedisServer"/> on loopback, formed with redis-cli.</summary>
internal sealed class RedisCluster : IDisposable
{
    private RedisCluster(RedisServer[] nodes)
    {
        Nodes = nodes;
    }

    public IReadOnlyList<RedisServer> Nodes { get; }

    /// <summary>The StackExchange.Redis configuration string naming every node.</summary>
    public string Configuration => string.Join(",", Nodes.Select(n => n.Configuration));

    public static RedisCluster Start(int masters)
    {
        var nodes = new List<RedisServer>();
        try
        {
            for (var i = 0; i < masters; i++)
            {
                nodes.Add(RedisServer.StartClusterNode());
            }
            RedisServer.RunTool("redis-cli", ["--cluster", "create", .. nodes.Select(n => n.Configuration), "--cluster-yes"]);
            var deadline = Stopwatch.StartNew();
            while (!nodes.All(n => n.Cli("cluster", "info").Contains("cluster_state:ok", StringComparison.Ordinal)))
            {
                if (deadline.Elapsed > TimeSpan.FromSeconds(30))
                {
                    throw new TimeoutException("The Redis Cluster did not reach cluster_state:ok within 30 s: " + nodes[0].Cli("cluster", "info"));
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

    public void Dispose()
    {
        foreach (var node in Nodes)
        {
            node.Dispose();
        }
    }
}
