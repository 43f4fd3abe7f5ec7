using System.Diagnostics;
using System.Globalization;

namespace Folio.Redis.Tests.Infrastructure;

/// <summary>A redis-server master and one replica of it (<c>--replicaof</c>), both on loopback.</summary>
internal sealed class ReplicatedRedis : IDisposable
{
    private ReplicatedRedis(RedisServer master, RedisServer replica)
    {
        Master = master;
        Replica = replica;
    }

    public RedisServer Master { get; }

    public RedisServer Replica { get; }

    public static ReplicatedRedis Start()
    {
        // No delay before the full sync a (re)connecting replica asks for.
        var master = RedisServer.Start("--repl-diskless-sync-delay", "0");
        try
        {
            var replica = RedisServer.Start("--replicaof", "127.0.0.1", master.Port.ToString(CultureInfo.InvariantCulture));
            var pair = new ReplicatedRedis(master, replica);
            pair.WaitUntilInSync();
            return pair;
        }
        catch
        {
            master.Dispose();
            throw;
        }
    }

    /// <summary>Waits until the replica's link to the master is up and the master sees it online (initial sync done).</summary>
    public void WaitUntilInSync()
    {
        var deadline = Stopwatch.StartNew();
        while (!(Replica.Cli("INFO", "replication").Contains("master_link_status:up", StringComparison.Ordinal)
                 && Master.Cli("INFO", "replication").Contains("state=online", StringComparison.Ordinal)))
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException("The replica did not catch up with its master within 30 s: " + Replica.Cli("INFO", "replication"));
            }
            Thread.Sleep(50);
        }
    }

    /// <summary>How many WAIT commands the master has run (its <c>INFO commandstats</c>).</summary>
    public long WaitCalls()
    {
        var line = Master.Cli("INFO", "commandstats").Split('\n').FirstOrDefault(l => l.StartsWith("cmdstat_wait:", StringComparison.Ordinal));
        if (line is null)
        {
            return 0;
        }
        var calls = line["cmdstat_wait:calls=".Length..line.IndexOf(',', StringComparison.Ordinal)];
        return long.Parse(calls, CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        Replica.Dispose();
        Master.Dispose();
    }
}
