using System.Buffers.Binary;
using System.Globalization;
using Folio.Storage;
using StackExchange.Redis;

namespace Folio.Redis;

/// <summary>
/// A Folio page store in Redis, standalone or Cluster: every process that opens the same database
/// name on the same Redis shares one SQLite database, with one network round trip to start a
/// transaction and one to commit it.
/// </summary>
/// <remarks>
/// <para>
/// Layout (see <c>RedisKeys</c>): a metadata hash (page size, page count, version), one binary value
/// per page, and a bounded change log, all under the hash tag <c>{folio:&lt;database&gt;}</c> so a
/// database stays in one cluster slot while many databases spread over a cluster. Each page value
/// is the 8-byte little-endian version that wrote it followed by the bytes Folio handed over; the
/// version lets a reader prove a page still belongs to the version it pinned. With retained
/// history (<see cref="RedisStoreOptions.History"/>, on by default) the commit also moves the values
/// it replaces into per-page sorted sets and records each version; see <see cref="IPageStoreHistory"/>.
/// </para>
/// <para>
/// Every operation is one Lua script run atomically by Redis: a commit checks the expected version,
/// writes the pages, deletes pages past the new end, bumps the version and logs the changed page
/// numbers; a read start returns the version, the page count and the pages changed since the
/// caller's page cache (so Folio's shared page cache drops only those) and, when anything changed,
/// page 0, which SQLite reads first in every transaction and every commit rewrites.
/// </para>
/// <para>
/// All calls are synchronous (SQLite's VFS is). When Redis cannot be reached or does not answer
/// within the multiplexer's timeout the call fails with <see cref="RedisStoreUnavailableException"/>,
/// which SQLite sees as SQLITE_IOERR; nothing is applied and the database works again as soon as
/// Redis answers. The store does not own <see cref="Connection"/>.
/// </para>
/// </remarks>
public sealed partial class RedisPageStore : IPageStore
{
    /// <summary>
    /// The layout version written to the metadata hash; a database with another one is refused.
    /// Format 2 adds retained history (the <c>h:</c>, <c>hidx</c> and <c>ver</c> keys). Opening a
    /// format 1 database upgrades it to 2 (nothing else changes), so a Folio.Redis that keeps no
    /// history refuses it from then on: it would overwrite past values without collecting their
    /// entries, and reads of the past would go wrong.
    /// </summary>
    public const int Format = 2;

    /// <summary>The layout before retained history, which <see cref="Format"/> 2 reads and upgrades on open.</summary>
    internal const int FormatBeforeHistory = 1;

    /// <summary>The bytes in front of every stored page value: the version that wrote it.</summary>
    public const int ValueHeaderSize = sizeof(long);

    private readonly IDatabase _redis;
    private readonly KeyValuePair<string, object?> _tag;
    private long _roundTrips;
    private long _bytesWritten;
    private long _bytesRead;
    private long _pagesRead;
    private long _commits;
    private long _conflicts;
    private long _failures;
    private int _disposed;
    private readonly bool _scriptFlags;

    private RedisPageStore(IConnectionMultiplexer connection, string database, int pageSize, RedisStoreOptions options)
    {
        Connection = connection;
        Name = database;
        PageSize = pageSize;
        Options = options;
        Keys = new RedisKeys(database);
        _redis = connection.GetDatabase();
        _tag = new KeyValuePair<string, object?>("folio.database", database);
        _ownerToken = options.Owned ? $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}" : "";
        _scriptFlags = RedisServerDialect.AcceptsScriptFlags(connection);
    }

    /// <summary>
    /// Opens the database <paramref name="database"/> on <paramref name="redis"/>, creating it with
    /// <paramref name="pageSize"/> when it does not exist yet (one round trip).
    /// </summary>
    /// <param name="redis">The connection; it stays the caller's (the store never disposes it).</param>
    /// <param name="database">The database's name: its Redis keys and the file name SQLite sees. No braces.</param>
    /// <param name="pageSize">The page size: a power of two from 512 to 65536, fixed at creation.</param>
    /// <param name="options">Change-log length, read-ahead; defaults when null.</param>
    /// <exception cref="PageSizeMismatchException">The database exists with another page size.</exception>
    /// <exception cref="RedisStoreUnavailableException">Redis could not be reached.</exception>
    public static RedisPageStore Open(IConnectionMultiplexer redis, string database, int pageSize = PageSizes.Default, RedisStoreOptions? options = null)
    {
        var store = Create(redis, database, pageSize, options);
        var result = store.Run("open", write: false, () => RedisScript.Open.Evaluate(store, [store.Keys.Meta], store.OpenArguments()));
        return store.Opened(result);
    }

    /// <summary>
    /// <see cref="Open"/> with the round trip awaited (StackExchange.Redis's async API): what an
    /// asynchronous open (a grain's activation) uses so no thread waits on Redis.
    /// </summary>
    public static async Task<RedisPageStore> OpenAsync(IConnectionMultiplexer redis, string database, int pageSize = PageSizes.Default,
        RedisStoreOptions? options = null, CancellationToken cancellationToken = default)
    {
        var store = Create(redis, database, pageSize, options);
        cancellationToken.ThrowIfCancellationRequested();
        var result = await store.RunAsync("open", write: false,
            () => RedisScript.Open.EvaluateAsync(store, [store.Keys.Meta], store.OpenArguments())).ConfigureAwait(false);
        return store.Opened(result);
    }

    private static RedisPageStore Create(IConnectionMultiplexer redis, string database, int pageSize, RedisStoreOptions? options)
    {
        ArgumentNullException.ThrowIfNull(redis);
        RedisKeys.ValidateName(database);
        PageSizes.Validate(pageSize, database);
        options = options?.Clone() ?? new RedisStoreOptions();
        options.Validate();
        var store = new RedisPageStore(redis, database, pageSize, options);
        if (options.WaitForReplicas > 0 && !store.ScriptFlags)
        {
            throw new NotSupportedException(
                $"Folio database '{database}': RedisStoreOptions.WaitForReplicas is {options.WaitForReplicas}, but the server is Garnet, which has no WAIT command to confirm commits on replicas.");
        }
        return store;
    }

    private RedisValue[] OpenArguments() => [PageSize, Format, StoreLineage.CreateNew().DatabaseId.ToString("N"), _ownerToken, FormatBeforeHistory];

    /// <summary>Checks the open script's answer (see <see cref="RedisScript.Open"/>) and takes the head it returned.</summary>
    private RedisPageStore Opened(RedisResult result)
    {
        var fields = (RedisValue[])result!;
        OpenedLineage = ParseLineage(fields[4], fields[5]);
        ClaimedHead((long)fields[2], (long)fields[3]);
        if (!int.TryParse((string?)fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var format) || format != Format)
        {
            throw new InvalidDataException(
                $"Folio database '{Name}' in Redis has layout format '{fields[1]}', but this Folio.Redis reads format {Format} (key {Keys.Meta}).");
        }
        var storedPageSize = (int)fields[0];
        if (storedPageSize != PageSize)
        {
            throw new PageSizeMismatchException(Name, storedPageSize, PageSize);
        }
        return this;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the problem when <paramref name="database"/> cannot be a database name in Redis (braces, control characters, empty).</summary>
    public static void ValidateDatabaseName(string database) => RedisKeys.ValidateName(database);

    /// <summary>
    /// Reads an existing database's page size and page count without creating anything; null when
    /// there is no database of that name.
    /// </summary>
    public static (int PageSize, long PageCount)? Probe(IConnectionMultiplexer redis, string database)
    {
        ArgumentNullException.ThrowIfNull(redis);
        RedisKeys.ValidateName(database);
        var values = redis.GetDatabase().HashGet(new RedisKeys(database).Meta, [(RedisValue)"page_size", (RedisValue)"pages"]);
        if (values[0].IsNull)
        {
            return null;
        }
        return ((int)values[0], values[1].IsNull ? 0 : (long)values[1]);
    }

    /// <summary>
    /// Connects to Redis with settings that suit a page store: <see cref="RedisStoreOptions.CommandTimeout"/>
    /// as the sync, async and connect timeouts, and <c>AbortOnConnectFail=false</c> so a Redis that is
    /// down at start or later is retried in the background rather than failing the process.
    /// </summary>
    /// <param name="configuration">A StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379</c> or several cluster nodes.</param>
    /// <param name="options">Where the timeout comes from; defaults when null.</param>
    public static ConnectionMultiplexer Connect(string configuration, RedisStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(configuration);
        options ??= new RedisStoreOptions();
        options.Validate();
        var config = ConfigurationOptions.Parse(configuration);
        var timeout = (int)options.CommandTimeout.TotalMilliseconds;
        config.SyncTimeout = timeout;
        config.AsyncTimeout = timeout;
        config.ConnectTimeout = timeout;
        config.AbortOnConnectFail = false;
        return ConnectionMultiplexer.Connect(config);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public int PageSize { get; }

    /// <summary>The Redis connection (not owned by the store).</summary>
    public IConnectionMultiplexer Connection { get; }

    /// <summary>The options the store was opened with (a copy: changing the caller's object later has no effect).</summary>
    public RedisStoreOptions Options { get; }

    /// <summary>Commands sent to Redis by this store, each one network round trip.</summary>
    public long RoundTrips => Interlocked.Read(ref _roundTrips);

    /// <summary>Bytes of page values written: the encoded pages Folio handed over plus an 8-byte version each.</summary>
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    /// <summary>Bytes of page values read (read-ahead included).</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>Page values read (read-ahead included).</summary>
    public long PagesRead => Interlocked.Read(ref _pagesRead);

    /// <summary>Commits Redis applied.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Commits and reads refused because another writer had committed.</summary>
    public long Conflicts => Interlocked.Read(ref _conflicts);

    /// <summary>Commands that failed because Redis could not be reached or did not answer in time.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    internal RedisKeys Keys { get; }

    /// <summary>The lineage the database had when this store opened it (what a vanished database is reported against).</summary>
    internal StoreLineage OpenedLineage { get; private set; }

    internal IDatabase Redis => _redis;

    /// <summary>
    /// Whether the scripts go with their <c>#!lua</c> shebang and flags (Redis 7+): false when the
    /// server was identified as Garnet, which refuses shebangs and gets the same scripts without
    /// that line (see the Garnet section of docs/store-contract.md for what that changes).
    /// </summary>
    public bool ScriptFlags => _scriptFlags;

    /// <inheritdoc />
    public StoreHead GetHead()
    {
        if (Options.Owned)
        {
            return OwnedHead();
        }
        var fields = Run("read of the version", write: false, () =>
        {
            CountRoundTrip();
            return _redis.HashGet(Keys.Meta, ["version", "pages", "id", "epoch"]);
        });
        if (fields[0].IsNull)
        {
            throw DatabaseMissing();
        }
        return new StoreHead((long)fields[0], (long)fields[1], ParseLineage(fields[2], fields[3]));
    }

    /// <summary>Marks the store closed; the connection stays open (it is the caller's).</summary>
    public void Dispose() => Interlocked.Exchange(ref _disposed, 1);

    /// <inheritdoc />
    public override string ToString() =>
        $"Redis database '{Name}' (page size {PageSize}): {RoundTrips} round trips, {Commits} commits, {BytesWritten} bytes written, " +
        $"{PagesRead} pages read ({BytesRead} bytes), {Conflicts} conflicts, {Failures} failures";

    internal void CountRoundTrip()
    {
        Interlocked.Increment(ref _roundTrips);
        RedisStoreMetrics.RoundTrips.Add(1, _tag);
    }

    internal void OnPagesRead(int pages, long bytes)
    {
        Interlocked.Add(ref _pagesRead, pages);
        Interlocked.Add(ref _bytesRead, bytes);
        RedisStoreMetrics.PagesRead.Add(pages, _tag);
        RedisStoreMetrics.BytesRead.Add(bytes, _tag);
    }

    internal void OnConflict()
    {
        Interlocked.Increment(ref _conflicts);
        RedisStoreMetrics.Conflicts.Add(1, _tag);
    }

    internal HistoryChangedException DatabaseMissing(StoreLineage? expected = null, long expectedVersion = 0) => new(
        Name, expected ?? OpenedLineage, expectedVersion, default, 0,
        $"the database no longer exists in Redis (key {Keys.Meta} is missing): it was deleted, or Redis lost its data; check its persistence and failover settings");

    /// <summary>Reads the identity and epoch fields of the metadata hash.</summary>
    internal StoreLineage ParseLineage(RedisValue id, RedisValue epoch)
    {
        if (id.IsNull || !Guid.TryParseExact((string?)id, "N", out var databaseId)
            || !long.TryParse((string?)epoch, NumberStyles.None, CultureInfo.InvariantCulture, out var epochValue))
        {
            throw new InvalidDataException($"Folio database '{Name}' in Redis has no valid identity (fields 'id' and 'epoch' of key {Keys.Meta}: '{id}', '{epoch}').");
        }
        return new StoreLineage(databaseId, epochValue);
    }

    /// <summary>
    /// Runs one Redis call, turning StackExchange.Redis failures into exceptions that name the
    /// database and say whether anything may have been written.
    /// </summary>
    internal T Run<T>(string operation, bool write, Func<T> call)
    {
        ThrowIfClosed();
        try
        {
            return call();
        }
        catch (Exception e) when (e is RedisServerException || RedisStoreUnavailableException.IsOutage(e))
        {
            throw Translate(operation, write, e);
        }
    }

    /// <summary>The asynchronous twin of <see cref="Run{T}"/>: the same translation of failures.</summary>
    internal async Task<T> RunAsync<T>(string operation, bool write, Func<Task<T>> call)
    {
        ThrowIfClosed();
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisServerException || RedisStoreUnavailableException.IsOutage(e))
        {
            throw Translate(operation, write, e);
        }
    }

    private void ThrowIfClosed()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ThrowIfOwnershipLost();
    }

    private Exception Translate(string operation, bool write, Exception e)
    {
        if (e is RedisServerException refused)
        {
            var hint = RedisServerDialect.RefusesShebang(refused)
                ? " (this server does not accept the '#!lua' shebang of Redis 7 scripts and was not identified as Garnet from its INFO server answer)"
                : "";
            return new IOException($"Folio database '{Name}': Redis refused the {operation}: {e.Message}{hint}", e);
        }
        Interlocked.Increment(ref _failures);
        RedisStoreMetrics.Failures.Add(1, _tag);
        return new RedisStoreUnavailableException(Name, operation, write && !RedisStoreUnavailableException.WasNeverSent(e), e);
    }
}
