using Folio.Diagnostics;
using Folio.Storage;
using Microsoft.Extensions.Logging;

namespace Folio.Vfs;

/// <summary>
/// Everything this process keeps about one database, whoever opened it: each generated class's
/// VFS, the general VFS behind <see cref="FolioDatabase"/>, the <c>folio</c> tool. It is found by
/// the database's identity, never by its name, so two stores that share a name are two databases
/// and one database reached through several registrations has one lock table, one page cache and
/// one set of statistics.
/// </summary>
/// <remarks>
/// <para>
/// It also keeps the history this process has seen: the lineage (identity and epoch) and the
/// highest version confirmed by a read or a commit. Every read start, head and commit result is
/// checked against them (<see cref="Observe"/>). A changed lineage, or a version lower than one
/// confirmed before the read began, means the store lost or rewrote its history: the page cache is
/// replaced by an empty one, <see cref="Generation"/> moves on (so each connection makes SQLite drop
/// its own cache at its next transaction), and the caller gets <see cref="HistoryChangedException"/>.
/// The next transaction then starts on the new history.
/// </para>
/// <para>
/// "Confirmed before the read began" matters: two reads of the process may overlap while another
/// process commits, and the one that started first may legitimately finish at the lower version.
/// </para>
/// </remarks>
internal sealed class DatabaseState
{
    private static readonly Dictionary<(Guid Id, object? Scope), DatabaseState> ByIdentity = new();
    private static readonly Lock RegistryGate = new();

    private readonly Lock _gate = new();
    private readonly int _cachePages;
    private readonly ILogger _logger;
    private StoreLineage _lineage;
    private long _confirmedVersion;
    private long _confirmedPageCount = -1; // the page count at _confirmedVersion; -1 when not known
    private int _generation;

    // The four above as one immutable snapshot, replaced under the gate whenever one changes:
    // a read start checks against it without taking the gate (see Observe).
    private volatile Mark _mark;
    private int _references;
    private Guid _registeredId; // the key in ByIdentity; guarded by RegistryGate (lock order: _gate, then RegistryGate)
    private volatile PageCache _cache;

    private readonly object? _scope;

    private DatabaseState(string name, int pageSize, StoreHead head, object? scope, FolioOptions options, ILogger logger)
    {
        _scope = scope;
        Name = name;
        PageSize = pageSize;
        _lineage = head.Lineage;
        _registeredId = head.Lineage.DatabaseId;
        _confirmedVersion = head.Version;
        _confirmedPageCount = head.PageCount;
        _mark = new Mark(_lineage, _generation, _confirmedVersion, _confirmedPageCount);
        _cachePages = options.CachePages;
        _cache = new PageCache(_cachePages);
        _logger = logger;
        Codec = options.Codec ?? ChecksumPageCodec.Instance;
        Map = Codec.CarriesVersionMap ? new PageVersionMap(Codec, pageSize) : null;
        Statistics = new FolioStatistics(name);
    }

    /// <summary>The name of the first attachment, used in messages and metrics.</summary>
    public string Name { get; }

    public int PageSize { get; }

    public IPageCodec Codec { get; }

    /// <summary>What this process knows of the pages' write versions (see <see cref="PageVersions"/>).</summary>
    public PageVersions Versions { get; } = new();

    /// <summary>The database's authenticated version map as far as this process knows it, when the codec carries one (encryption).</summary>
    public PageVersionMap? Map { get; }

    public LockState Locks { get; } = new();

    public FolioStatistics Statistics { get; }

    /// <summary>The page cache of the current history; replaced by an empty one when the history changes.</summary>
    public PageCache Cache => _cache;

    /// <summary>Moves on each time the history changed under this process.</summary>
    public int Generation => Volatile.Read(ref _generation);

    /// <summary>The lineage this process works on.</summary>
    public StoreLineage Lineage
    {
        get
        {
            lock (_gate)
            {
                return _lineage;
            }
        }
    }

    /// <summary>Finds the state of the database <paramref name="head"/> belongs to, creating it for the first opener.</summary>
    /// <param name="name">The attachment's name, for messages.</param>
    /// <param name="pageSize">The page size.</param>
    /// <param name="head">The store's head, whose identity finds the state.</param>
    /// <param name="scope">Null for the process; otherwise states are kept apart per scope (see <see cref="FolioOptions.ProcessScope"/>, and owned stores).</param>
    /// <param name="options">Cache size.</param>
    /// <param name="logger">Where history changes are logged.</param>
    public static DatabaseState Acquire(string name, int pageSize, StoreHead head, object? scope, FolioOptions options, ILogger logger)
    {
        if (head.Lineage.IsEmpty)
        {
            throw new InvalidOperationException($"Folio database '{name}': the store reports no identity; every store must create one with its database (see IPageStore).");
        }
        lock (RegistryGate)
        {
            if (!ByIdentity.TryGetValue((head.Lineage.DatabaseId, scope), out var state))
            {
                state = new DatabaseState(name, pageSize, head, scope, options, logger);
                ByIdentity[(head.Lineage.DatabaseId, scope)] = state;
            }
            else if (state.PageSize != pageSize)
            {
                throw new PageSizeMismatchException(name, state.PageSize, pageSize);
            }
            else if (state.Codec.Describe() != (options.Codec ?? ChecksumPageCodec.Instance).Describe())
            {
                throw new InvalidOperationException(
                    $"Folio database '{name}' is already attached in this process with the page codec '{state.Codec.Describe()}'; it cannot be attached with '{(options.Codec ?? ChecksumPageCodec.Instance).Describe()}' as well.");
            }
            state._references++;
            return state;
        }
    }

    /// <summary>Ends one attachment's use; the last one forgets the state.</summary>
    public void Release()
    {
        lock (RegistryGate)
        {
            if (--_references > 0)
            {
                return;
            }
            if (ByIdentity.TryGetValue((_registeredId, _scope), out var current) && ReferenceEquals(current, this))
            {
                ByIdentity.Remove((_registeredId, _scope));
            }
        }
    }

    /// <summary>The newest version this process knows the store reached (a read start, a head or a commit of its own).</summary>
    public long ConfirmedVersion
    {
        get => _mark.Confirmed;
    }

    /// <summary>
    /// The newest head this process knows the store reached (<see cref="ConfirmedVersion"/> with
    /// its lineage and page count) and the generation it belongs to, or null when the page count
    /// at that version is not known. What a write that skips the read start assumes is still
    /// current (see <see cref="SharedDatabase.TryBeginAssumedRead"/>).
    /// </summary>
    public (StoreHead Head, int Generation)? ConfirmedHead
    {
        get
        {
            var mark = _mark;
            return mark.PageCount < 0 ? null : (new StoreHead(mark.Confirmed, mark.PageCount, mark.Lineage), mark.Generation);
        }
    }

    /// <summary>A point to check a later observation against: taken before the store call.</summary>
    public (int Generation, long Confirmed) Watermark()
    {
        var mark = _mark;
        return (mark.Generation, mark.Confirmed);
    }

    /// <summary>
    /// Checks what the store reported (a read start or a head) against the history seen so far.
    /// </summary>
    /// <param name="lineage">The lineage the store reported.</param>
    /// <param name="version">The version the store reported.</param>
    /// <param name="before">The watermark taken before the store was asked.</param>
    /// <param name="owned">The store is an owned one, which answers from its own memory.</param>
    /// <param name="pageCount">The page count the store reported with <paramref name="version"/>.</param>
    /// <exception cref="HistoryChangedException">The history changed; the cache was reset.</exception>
    /// <exception cref="OwnershipLostException">An owned store is behind a version another owner of this process committed.</exception>
    public void Observe(StoreLineage lineage, long version, (int Generation, long Confirmed) before, bool owned, long pageCount)
    {
        var mark = _mark;
        if (lineage == mark.Lineage && before.Generation == mark.Generation && version >= before.Confirmed && version <= mark.Confirmed
            && (version < mark.Confirmed || mark.PageCount == pageCount))
        {
            return; // the common read start: same history, nothing newer to record (what the gate would find too)
        }
        HistoryChangedException? changed = null;
        lock (_gate)
        {
            if (owned && lineage == _lineage && before.Generation == _generation && version < before.Confirmed)
            {
                // Not a rewritten history: an owned store answers heads from its own memory, and
                // another store object of this process (a newer owner of the same database)
                // committed past it. This one's claim was superseded; its commits would be refused.
                throw new OwnershipLostException(Name, before.Confirmed, version,
                    $"another owner of this database in this process committed version {before.Confirmed} while this store still holds version {version}; reopen the database to own it again");
            }
            if (lineage != _lineage)
            {
                changed = new HistoryChangedException(Name, _lineage, _confirmedVersion, lineage, version,
                    lineage.DatabaseId == _lineage.DatabaseId ? "the store's epoch changed: its history was rewritten" : "the store now holds a database with another identity");
            }
            else if (before.Generation == _generation && version < before.Confirmed)
            {
                changed = new HistoryChangedException(Name, _lineage, before.Confirmed, lineage, version,
                    $"the version went back from {before.Confirmed} to {version}");
            }
            else if (version > _confirmedVersion || (version == _confirmedVersion && pageCount != _confirmedPageCount))
            {
                _confirmedVersion = version;
                _confirmedPageCount = pageCount;
                PublishMarkLocked();
            }
            if (changed is not null)
            {
                ResetLocked(lineage, version);
            }
        }
        if (changed is not null)
        {
            _logger.LogWarning("{Message}", changed.Message);
            throw changed;
        }
    }

    /// <summary>Records a commit this process made; the store confirmed <paramref name="version"/>, with <paramref name="pageCount"/> pages.</summary>
    public void OnCommitted(StoreLineage lineage, long version, long pageCount)
    {
        lock (_gate)
        {
            if (lineage == _lineage && version > _confirmedVersion)
            {
                _confirmedVersion = version;
                _confirmedPageCount = pageCount;
                PublishMarkLocked();
            }
        }
    }

    /// <summary>A store refused a commit because the history changed: adopt what it reported.</summary>
    public void OnHistoryChanged(HistoryChangedException failure)
    {
        lock (_gate)
        {
            if (failure.FoundLineage != _lineage || failure.FoundVersion < _confirmedVersion)
            {
                ResetLocked(failure.FoundLineage.IsEmpty ? _lineage : failure.FoundLineage, failure.FoundVersion);
            }
        }
        _logger.LogWarning("{Message}", failure.Message);
    }

    /// <summary>
    /// Decodes a page <paramref name="reader"/> fetched, and checks the version that wrote it:
    /// against the version map when the codec carries one (reading, with
    /// <paramref name="reader"/> on this thread, the part of the map this process lacks), and
    /// against what this process knows (<see cref="PageVersions"/>).
    /// </summary>
    /// <exception cref="PageCorruptException">The value fails a codec check, or is not the page's last write.</exception>
    public void DecodePage(IPageStoreReader reader, long number, ReadOnlySpan<byte> stored, Span<byte> page)
    {
        var written = DecodeUnchecked(reader, number, stored, page);
        Map?.Check(Name, reader, number, written);
    }

    /// <summary>Checks, with the version map, that a page the store has no value for was never written.</summary>
    public void CheckAbsentPage(IPageStoreReader reader, long number) => Map?.Check(Name, reader, number, written: 0);

    /// <summary>
    /// The first half of <see cref="DecodePage"/> for a batch read asynchronously: decodes and
    /// learns; <see cref="CheckPagesAsync"/> then checks the batch against the version map.
    /// </summary>
    /// <returns>The version that wrote the value.</returns>
    public long DecodeUnchecked(IPageStoreReader reader, long number, ReadOnlySpan<byte> stored, Span<byte> page)
    {
        var address = new PageAddress(reader.Lineage.DatabaseId, number, reader.Version);
        var written = Map is { } map ? map.DecodeAndLearn(Name, address, stored, page) : Codec.Decode(Name, address, stored, page);
        if (written > 0 && Map is not { Required: true })
        {
            Versions.Check(Name, number, written, reader.Version); // the version map, when there is one, checks more
        }
        return written;
    }

    /// <summary>Checks a batch decoded by <see cref="DecodeUnchecked"/> (0 for a page with no value) against the version map, awaiting what it reads.</summary>
    public ValueTask CheckPagesAsync(IPageStoreReader reader, IReadOnlyList<long> numbers, IReadOnlyList<long> written, CancellationToken cancellationToken) =>
        Map is { } map ? map.CheckAsync(Name, reader, numbers, written, cancellationToken) : default;

    private void ResetLocked(StoreLineage lineage, long version)
    {
        _cache = new PageCache(_cachePages);
        Versions.Clear();
        Map?.Clear();
        _generation++;
        if (lineage.DatabaseId != _lineage.DatabaseId)
        {
            lock (RegistryGate)
            {
                if (ByIdentity.TryGetValue((_registeredId, _scope), out var current) && ReferenceEquals(current, this))
                {
                    ByIdentity.Remove((_registeredId, _scope));
                }
                if (ByIdentity.TryAdd((lineage.DatabaseId, _scope), this))
                {
                    _registeredId = lineage.DatabaseId;
                }
            }
        }
        _lineage = lineage;
        _confirmedVersion = version;
        _confirmedPageCount = -1;
        PublishMarkLocked();
    }

    private void PublishMarkLocked() => _mark = new Mark(_lineage, _generation, _confirmedVersion, _confirmedPageCount);

    private sealed record Mark(StoreLineage Lineage, int Generation, long Confirmed, long PageCount);
}
