using System.Diagnostics;
using System.Globalization;
using Folio.Redis;
using Folio.Storage;
using Folio.Testing;

namespace Folio.Chaos;

/// <summary>
/// The Redis store, shared mode, every client behind a <see cref="FaultProxy"/>. On redis-server:
/// a master and a real replica (<c>appendfsync always</c>, <see cref="RedisStoreOptions.WaitForReplicas"/> = 1),
/// with the master killed and restarted and failed over to the replica. On Garnet (no WAIT, no
/// replica, data in memory): the network faults and client kills only.
/// </summary>
internal sealed class RedisRun : ChaosRun
{
    private readonly FaultProxy _proxy;
    private readonly bool _garnet;
    private readonly bool _owned;
    private readonly bool _managedFailover;
    private RedisServer _master;
    private RedisServer? _replica;

    /// <param name="kind"><c>redis</c>, <c>redis-owned</c> (every client opens its database owned, so each claim takes it from the others) or <c>garnet</c>.</param>
    /// <param name="duration">How long the faults go on.</param>
    /// <param name="seed">The faults' random seed.</param>
    /// <param name="managedFailover">Pause writes and wait for the replica before promoting it (false: promote it at once, as after a crash).</param>
    public RedisRun(string kind, TimeSpan duration, int seed, bool managedFailover = true)
        : base(kind, duration, seed)
    {
        _managedFailover = managedFailover;
        _garnet = kind == "garnet";
        _owned = kind == "redis-owned";
        if (_garnet)
        {
            _master = RedisServer.StartGarnet();
        }
        else
        {
            // Both start as masters, so a restart brings either back as a master with its own data;
            // the replica is made one by REPLICAOF, which a restart forgets.
            _master = RedisServer.Start("--repl-diskless-sync-delay", "0");
            _replica = RedisServer.Start("--repl-diskless-sync-delay", "0");
            _replica.Cli("REPLICAOF", "127.0.0.1", Port(_master));
            if (!InSync(TimeSpan.FromSeconds(30)))
            {
                throw new TimeoutException("the replica did not catch up with its master within 30 s: " + _replica.Cli("INFO", "replication"));
            }
        }
        _proxy = new FaultProxy(_master.Port);
    }

    protected override bool RealTimeReads => !_owned;

    protected override string ClientSpec => Stores.RedisSpec(_proxy.Port, _garnet ? 0 : 1, _owned);

    protected override IReadOnlyList<(string Kind, Func<bool> Inject)> FaultKinds =>
    [
        ("kill-client", KillClient),
        ("latency", Latency),
        ("drop", () =>
        {
            _proxy.DropAll();
            return true;
        }),
        ("cut", Cut),
        .. _garnet ? Array.Empty<(string, Func<bool>)>() : [("redis-restart", Restart), ("failover", Failover)],
    ];

    protected override IPageStore OpenDirect(string database)
    {
        var redis = RedisPageStore.Connect(_master.Configuration, Stores.RedisOptions(0));
        return new OwningStore(RedisPageStore.Open(redis, database, Stores.PageSize, Stores.RedisOptions(0)), redis);
    }

    protected override void Heal()
    {
        _proxy.LatencyMs = 0;
        if (!_master.IsRunning)
        {
            _master.Restart();
        }
    }

    private bool Latency()
    {
        _proxy.LatencyMs = Random.Next(20, 120);
        Thread.Sleep(Random.Next(200, 800));
        _proxy.LatencyMs = 0;
        return true;
    }

    private bool Cut()
    {
        _proxy.ArmCut();
        var watch = Stopwatch.StartNew();
        while (_proxy.CutPending && watch.Elapsed < TimeSpan.FromSeconds(2))
        {
            Thread.Sleep(5);
        }
        return !_proxy.CutPending;
    }

    /// <summary>SIGKILL of the master, which comes back on its port from its append-only file.</summary>
    private bool Restart()
    {
        _master.Kill();
        Thread.Sleep(Random.Next(50, 300));
        _master.Restart();
        return true;
    }

    /// <summary>
    /// A managed failover: writes paused on the master, the replica waited for until it has all of
    /// them, promoted with REPLICAOF NO ONE, the proxy (the clients) moved to it, the old master
    /// made its replica. With WaitForReplicas = 1 every acknowledged commit was on the replica anyway.
    /// Unmanaged, the replica is promoted at once: a commit the master applied but the replica did
    /// not yet have is lost, though it was never acknowledged, and another client may have read it.
    /// </summary>
    private bool Failover()
    {
        var replica = _replica!;
        if (!InSync(TimeSpan.FromSeconds(3)))
        {
            return false;
        }
        if (!_managedFailover)
        {
            replica.Cli("REPLICAOF", "NO", "ONE");
            _proxy.Retarget(replica.Port);
            _master.Cli("REPLICAOF", "127.0.0.1", Port(replica));
            (_master, _replica) = (replica, _master);
            return true;
        }
        _master.Cli("CLIENT", "PAUSE", "10000", "WRITE");
        if (!InSync(TimeSpan.FromSeconds(3), sameOffset: true))
        {
            _master.Cli("CLIENT", "UNPAUSE");
            return false;
        }
        replica.Cli("REPLICAOF", "NO", "ONE");
        _proxy.Retarget(replica.Port);
        _master.Cli("REPLICAOF", "127.0.0.1", Port(replica));
        _master.Cli("CLIENT", "UNPAUSE");
        (_master, _replica) = (replica, _master);
        return true;
    }

    private bool InSync(TimeSpan timeout, bool sameOffset = false)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            var replica = _replica!.Cli("INFO", "replication");
            var master = _master.Cli("INFO", "replication");
            if (replica.Contains("master_link_status:up", StringComparison.Ordinal) && master.Contains("state=online", StringComparison.Ordinal)
                && (!sameOffset || Field(replica, "slave_repl_offset") == Field(master, "master_repl_offset")))
            {
                return true;
            }
            Thread.Sleep(20);
        }
        return false;
    }

    private static string? Field(string info, string name) =>
        info.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.Ordinal))?[(name.Length + 1)..];

    private static string Port(RedisServer server) => server.Port.ToString(CultureInfo.InvariantCulture);

    public override void Dispose()
    {
        base.Dispose();
        _proxy.Dispose();
        Stores.CloseConnections();
        _replica?.Dispose();
        _master.Dispose();
    }
}

/// <summary>A store that also disposes the multiplexer it was opened on.</summary>
internal sealed class OwningStore(IPageStore inner, IDisposable connection) : IPageStore
{
    public string Name => inner.Name;

    public int PageSize => inner.PageSize;

    public StoreHead GetHead() => inner.GetHead();

    public IPageStoreReader BeginRead(long knownVersion) => inner.BeginRead(knownVersion);

    public long Commit(StoreCommit commit) => inner.Commit(commit);

    public void Dispose()
    {
        inner.Dispose();
        connection.Dispose();
    }
}
