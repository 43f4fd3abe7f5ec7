using Folio.Storage;

namespace Folio.Redis;

/// <summary>How a <see cref="RedisPageStore"/> talks to Redis.</summary>
public sealed class RedisStoreOptions
{
    /// <summary>
    /// How many recent commits' changed-page lists Redis keeps per database (default 1000). A
    /// process whose page cache is older than the log reaches back drops its whole cache instead of
    /// only the changed pages, so size it to the number of commits other processes make between two
    /// reads of a busy process.
    /// </summary>
    public int ChangeLogLength { get; set; } = 1000;

    /// <summary>
    /// The most pages a reader fetches ahead in the same round trip once it sees sequential page
    /// reads (default 64; 0 turns read-ahead off). The window starts at
    /// <see cref="InitialReadAheadPages"/> and doubles while the reads stay sequential.
    /// </summary>
    public int ReadAheadPages { get; set; } = 64;

    /// <summary>The read-ahead window after the first two sequential reads (default 8).</summary>
    public int InitialReadAheadPages { get; set; } = 8;

    /// <summary>
    /// How long one Redis command may take before it fails (default 5 s). It becomes the
    /// multiplexer's <c>SyncTimeout</c>, <c>AsyncTimeout</c> and <c>ConnectTimeout</c> for
    /// connections made with <see cref="RedisPageStore.Connect(string, RedisStoreOptions?)"/>;
    /// StackExchange.Redis has no per-command timeout, so a multiplexer you build yourself keeps
    /// its own <c>SyncTimeout</c>.
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Open the database owned (default false): the Durable Object model. Opening claims the
    /// database; this process's page cache is then authoritative, so a read transaction costs no
    /// round trip and a write transaction exactly one, the commit, whose compare-and-set on
    /// identity, version and owner token is the fence. If anyone else commits or claims the
    /// database, the owner's next commit fails with <see cref="OwnershipLostException"/>, writes
    /// nothing, and the store refuses every further call until opened again. Give the page cache
    /// room for the whole database (<see cref="FolioOptions.CachePages"/>) so reads never miss.
    /// </summary>
    public bool Owned { get; set; }

    /// <summary>
    /// Synchronous replication (default 0, off): a commit is acknowledged only once Redis's
    /// <c>WAIT</c> confirms that this many replicas have it. The <c>WAIT</c> goes in the same round
    /// trip as the commit script, right behind it on the connection to the database's master. When
    /// fewer replicas confirm within <see cref="ReplicaWaitTimeout"/>, the commit fails with
    /// <see cref="RedisStoreUnavailableException"/> (<see cref="RedisStoreUnavailableException.MayHaveBeenApplied"/>
    /// true): it was applied on the master, and a failover before a replica has it may lose it.
    /// Redis runs <c>WAIT</c> as a blocking command, so while replicas are slow the other commands of
    /// the same connection wait behind it. Not available on Garnet, which has no <c>WAIT</c>.
    /// </summary>
    public int WaitForReplicas { get; set; }

    /// <summary>
    /// How long a commit waits for <see cref="WaitForReplicas"/> replicas (default 1 s); when
    /// replication is on it must be shorter than <see cref="CommandTimeout"/>, or the connection
    /// would give up first.
    /// </summary>
    public TimeSpan ReplicaWaitTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How many past versions this store's commits keep readable (time travel), and for how long;
    /// null for <see cref="HistoryRetention.Default"/>. Each commit keeps the page values it
    /// replaces and collects what fell out of retention inside its own script, by its writer's
    /// setting (see the history keys in docs/store-contract.md for what a retained version costs).
    /// </summary>
    public HistoryRetention? History { get; set; }

    /// <summary>The retention in force: <see cref="History"/>, or the default.</summary>
    internal HistoryRetention Retention => History ?? HistoryRetention.Default;

    /// <summary>A copy, so a store keeps the settings it was opened with.</summary>
    internal RedisStoreOptions Clone() => (RedisStoreOptions)MemberwiseClone();

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (ChangeLogLength < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ChangeLogLength), ChangeLogLength, "The change log must keep at least one commit.");
        }
        if (ReadAheadPages is < 0 or > 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(ReadAheadPages), ReadAheadPages, "Read-ahead must be 0 (off) to 4096 pages.");
        }
        if (InitialReadAheadPages < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(InitialReadAheadPages), InitialReadAheadPages, "The first read-ahead window must be at least one page.");
        }
        if (CommandTimeout <= TimeSpan.Zero || CommandTimeout.TotalMilliseconds > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(CommandTimeout), CommandTimeout, "The command timeout must be positive and fit in an int of milliseconds.");
        }
        if (WaitForReplicas < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(WaitForReplicas), WaitForReplicas, "The number of replicas to wait for must be 0 (off) or more.");
        }
        if (WaitForReplicas > 0 && (ReplicaWaitTimeout < TimeSpan.FromMilliseconds(1) || ReplicaWaitTimeout >= CommandTimeout))
        {
            throw new ArgumentOutOfRangeException(nameof(ReplicaWaitTimeout), ReplicaWaitTimeout,
                $"The replica wait must be at least 1 ms and shorter than the command timeout ({CommandTimeout}).");
        }
        History?.Validate();
    }
}
