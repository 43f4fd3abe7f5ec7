using Folio.Storage;

namespace Folio.Vfs;

/// <summary>
/// What one connection sees of the store while it holds a lock: the store version pinned at
/// xLock(SHARED), plus the pages this connection committed itself since. Reads come from those
/// pages, then the shared page cache, then the store.
/// </summary>
/// <remarks>
/// The view never changes under a reader: another connection's commit becomes visible only at
/// the next <see cref="Begin"/>. The connection's own commit moves the view forward
/// (<see cref="Advance"/>) without a store call; the reader stays pinned at the version it began
/// at, which is correct because the store's compare-and-set guarantees no other commit came
/// between the two versions.
/// </remarks>
internal sealed class StoreView<TStore, TPageSize> : IReaderBorrower
    where TStore : class, IPageStore
    where TPageSize : struct, IPageSize
{
    private readonly SharedDatabase _db;
    private readonly TStore _store;
    private readonly byte[] _encoded;
    private readonly byte[] _scratch;

    // Page buffers of ended transactions, reused so a small write transaction allocates nothing.
    private readonly Stack<byte[]> _freePages = new();
    private const int MaxFreePages = 64;

    private IPageStoreReader? _reader;

    // The asynchronous call whose prepared read this view borrowed: it owns the reader until it
    // ends, then hands it over (AdoptReader) if this view still holds it. Null when the view owns
    // its reader (the synchronous path, or after the hand-over).
    private AsyncCall? _lender;

    // The page cache of the history this view reads (captured at Begin, see SharedDatabase.BeginRead).
    private PageCache _cache;

    // The database state's generation this connection last served: when it moved (the history
    // changed), SQLite's own page cache may hold pages of the old history. See Begin.
    private int _seenGeneration;
    private long _cacheHits; // page reads this read served from the page cache, not yet in the statistics
    private readonly Diagnostics.ReaderCounters _counters;

    // SQLite's change-counter probe (16 bytes of page 0 at offset 24, read at the start of every
    // transaction) as last answered: a function of the pinned version, so a read at the same
    // version of the same history is answered from here without the shared cache.
    private const int ProbeOffset = 24;
    private const int ProbeLength = 16;
    private readonly byte[] _probe = new byte[ProbeLength];
    private long _probeVersion = -1;
    private PageCache? _probeCache;
    private StoreLineage _probeLineage;

    // Pages this connection committed while the view lasts: newer than the reader's version.
    private readonly Dictionary<long, byte[]> _committed = new();

    public StoreView(SharedDatabase db)
    {
        _db = db;
        _store = (TStore)db.Store;
        _encoded = new byte[db.Codec.MaxEncodedSize(PageSize)];
        _scratch = new byte[PageSize];
        _cache = db.Cache;
        _seenGeneration = db.State.Generation;
        _counters = db.Statistics.Register();
    }

    /// <summary>The page size: a JIT-time constant for generated VFSs, the store's for the general one.</summary>
    public int PageSize => TPageSize.Value != 0 ? TPageSize.Value : _db.PageSize;

    public bool IsOpen => _reader is not null;

    /// <summary>The lineage (identity and epoch) the pinned version belongs to.</summary>
    public StoreLineage Lineage { get; private set; }

    /// <summary>The page cache this view reads and fills.</summary>
    public PageCache Cache => _cache;

    /// <summary>
    /// Set when the history changed since this connection's previous transaction; see
    /// <see cref="SqliteCacheInvalidationPending"/>.
    /// </summary>
    private bool _invalidateSqliteCache;

    /// <summary>The store version this view shows (the pinned one, or this connection's last commit).</summary>
    public long Version { get; private set; }

    /// <summary>The page count at <see cref="Version"/>.</summary>
    public long PageCount { get; private set; }

    /// <summary>The size of the file at <see cref="Version"/>.</summary>
    public long Size => PageCount * PageSize;

    /// <summary>The store's current version, for a <c>folio_version</c> pragma outside a transaction.</summary>
    public long LatestVersion => IsOpen ? Version : _db.GetHead().Version;

    /// <summary>The store's current size, for an xFileSize outside a transaction.</summary>
    public long LatestSize => IsOpen ? Size : _db.GetHead().PageCount * PageSize;

    // ---- begin and end ----------------------------------------------------------------------

    /// <summary>
    /// Pins the store's current version (xLock to SHARED), checked against the history this
    /// process has seen (<see cref="SharedDatabase.BeginRead"/>, which may throw
    /// <see cref="HistoryChangedException"/>). The cache learns which pages changed since the
    /// version it holds, so it drops only those.
    /// </summary>
    public void Begin()
    {
        // On the asynchronous path the read start was awaited before SQLite ran: take it.
        var call = AsyncCall.For(_db.State);
        if (call is not null && call.TryLendReader(out var lent, out var lentCache))
        {
            (_reader, _cache, _lender) = (lent, lentCache, call);
            call.LentTo(this);
        }
        else if (call is null && AssumedStart.Take(_db.State) is { } start && _db.TryBeginAssumedRead(out var assumed, out var assumedCache))
        {
            // The first attempt of a sync write transaction: its commit proves the head (see AssumedStart).
            (_reader, _cache, _lender) = (assumed, assumedCache, null);
            start.Began(assumed);
        }
        else
        {
            _reader = _db.BeginRead(out _cache, _counters);
            _lender = null;
        }
        Lineage = _reader.Lineage;
        var generation = _db.State.Generation;
        if (generation != _seenGeneration)
        {
            _seenGeneration = generation;
            _invalidateSqliteCache = true;
        }
        Version = _reader.Version;
        PageCount = _reader.PageCount;
    }

    /// <summary>Releases the pinned version (xUnlock to NONE, xClose).</summary>
    public void End()
    {
        if (_cacheHits > 0)
        {
            // One update per read instead of one per page, on this connection's own counters:
            // concurrent readers of a database share no counter.
            _db.Statistics.OnCacheHits(_counters, _cacheHits);
            _cacheHits = 0;
        }
        var reader = _lender is null ? _reader : null; // a borrowed reader stays the call's
        _lender?.Returned(this);
        _reader = null;
        _lender = null;
        foreach (var buffer in _committed.Values)
        {
            ReturnPage(buffer);
        }
        _committed.Clear();
        reader?.Dispose();
    }

    /// <summary>
    /// Moves the view to this connection's own commit: <paramref name="pages"/> (whose buffers
    /// the view now owns) are what the store holds at <paramref name="version"/>.
    /// </summary>
    public void Advance(long version, long pageCount, IReadOnlyList<KeyValuePair<long, byte[]>> pages)
    {
        foreach (var (page, data) in pages)
        {
            if (_committed.Remove(page, out var replaced))
            {
                ReturnPage(replaced);
            }
            _committed[page] = data;
        }
        if (pageCount < PageCount)
        {
            foreach (var page in _committed.Keys.Where(p => p >= pageCount).ToList())
            {
                _committed.Remove(page, out var dropped);
                ReturnPage(dropped!);
            }
        }
        Version = version;
        PageCount = pageCount;
        _probeVersion = -1; // this connection wrote page 0's counter: read it again after the commit
    }

    /// <summary>
    /// True after the history changed under this connection, or a commit it had shown was
    /// retracted, until <see cref="SqliteCacheInvalidated"/>. SQLite keeps its own page cache
    /// across transactions while the header's change counter (16 bytes at offset 24, which it
    /// reads first in every transaction) is unchanged, and another history may match it by
    /// coincidence. The caller answers that read with bytes that cannot match, so SQLite drops
    /// its cache; the page reads that follow return the true bytes.
    /// </summary>
    public bool SqliteCacheInvalidationPending => _invalidateSqliteCache;

    /// <summary>The change-counter read was answered (a read that failed leaves it pending).</summary>
    public void SqliteCacheInvalidated() => _invalidateSqliteCache = false;

    /// <summary>
    /// A staged commit this view had already shown failed: forget its pages (if the view is
    /// still open) and make SQLite drop its own cache at its next transaction, so the connection
    /// sees the last durable version again.
    /// </summary>
    public void Retract()
    {
        _invalidateSqliteCache = true;
        if (_reader is null)
        {
            return;
        }
        foreach (var buffer in _committed.Values)
        {
            ReturnPage(buffer);
        }
        _committed.Clear();
        Version = _reader.Version;
        PageCount = _reader.PageCount;
    }

    // ---- reads ------------------------------------------------------------------------------

    /// <summary>Copies part of a page as the view has it (SQLite's header read at every transaction start is 16 bytes).</summary>
    public void Read(long page, int offset, Span<byte> destination)
    {
        if (_committed.TryGetValue(page, out var held))
        {
            held.AsSpan(offset, destination.Length).CopyTo(destination);
        }
        else if (offset == 0 && destination.Length == PageSize)
        {
            ReadStored(page, destination);
        }
        else if (page == 0 && offset == ProbeOffset && destination.Length == ProbeLength && IsProbeCaptured())
        {
            _probe.CopyTo(destination);
            _cacheHits++;
        }
        else if (page < PageCount && _cache.TryRead(Version, page, offset, destination))
        {
            _cacheHits++; // counted here, added to the statistics once per read (End)
            CaptureProbe(page, offset, destination);
        }
        else
        {
            ReadStored(page, _scratch);
            _scratch.AsSpan(offset, destination.Length).CopyTo(destination);
            CaptureProbe(page, offset, destination);
        }
    }

    // A cache of no pages (FolioOptions.CachePages = 0) means every read goes to the store: the
    // probe too.
    private bool IsProbeCaptured() => Version == _probeVersion && ReferenceEquals(_cache, _probeCache) && Lineage == _probeLineage && _cache.Capacity > 0;

    private void CaptureProbe(long page, int offset, ReadOnlySpan<byte> data)
    {
        if (page == 0 && offset == ProbeOffset && data.Length == ProbeLength)
        {
            data.CopyTo(_probe);
            (_probeVersion, _probeCache, _probeLineage) = (Version, _cache, Lineage);
        }
    }

    /// <summary>The connection closed: its counters join the database's own.</summary>
    public void Release() => _db.Statistics.Release(_counters);

    /// <summary>Copies a whole page as the view has it; zeros past the end.</summary>
    public void Read(long page, Span<byte> destination) => Read(page, 0, destination);

    /// <summary>
    /// The asynchronous call running now on this database, if any: it stages the commit and
    /// fetches missing pages. It may be a later call than the one that began the transaction
    /// (BEGIN, the statements and COMMIT each made by an ExecuteAsync of their own).
    /// </summary>
    public AsyncCall? Call => AsyncCall.For(_db.State);

    /// <summary>The call that lent the reader ended while this view still reads with it: the view owns it now.</summary>
    public void AdoptReader() => _lender = null;

    /// <summary>
    /// True when <paramref name="data"/> is page <paramref name="page"/> as the view has it. On the
    /// asynchronous path a page in no memory counts as changed (it is written again rather than
    /// read first: a read would have to wait).
    /// </summary>
    public bool Matches(long page, byte[] data)
    {
        if (page >= PageCount)
        {
            return false;
        }
        if (_committed.TryGetValue(page, out var held))
        {
            return held.AsSpan().SequenceEqual(data);
        }
        if (Call is not null)
        {
            return _cache.Matches(Version, page, data) ?? false;
        }
        return _cache.Matches(Version, page, data) ?? ReadCopy(page).AsSpan().SequenceEqual(data);
    }

    /// <summary>
    /// Reads page <paramref name="page"/>'s stored value at the pinned version only to learn the
    /// version-map nodes it carries (a commit needs them). On the asynchronous path the call
    /// fetches it (the statement runs again); a page it fetched already is not read twice.
    /// </summary>
    public void LearnMapNodes(long page)
    {
        if (Call is { } call)
        {
            if (call.TryReadFetched(page, _scratch))
            {
                return;
            }
            throw call.Missing(page, PageCount, _reader!, _cache);
        }
        var length = _reader!.ReadPage(page, _encoded);
        _db.Statistics.OnPagesRead(1, length);
        if (length > 0)
        {
            _db.State.Map!.DecodeAndLearn(_db.Name, new PageAddress(_reader.Lineage.DatabaseId, page, _reader.Version), _encoded.AsSpan(0, length), _scratch);
        }
    }

    /// <summary>A new array holding page <paramref name="page"/> as the view has it.</summary>
    public byte[] ReadCopy(long page)
    {
        var copy = new byte[PageSize];
        Read(page, copy);
        return copy;
    }

    /// <summary>Reads a page as the store has it at <see cref="Version"/>: from the cache, else from the store.</summary>
    private void ReadStored(long page, Span<byte> destination)
    {
        if (page >= PageCount)
        {
            destination.Clear();
            return;
        }
        if (_cache.TryRead(Version, page, destination))
        {
            _cacheHits++; // counted here, added to the statistics once per read (End)
            return;
        }
        if (Call is { } call)
        {
            // The asynchronous path never waits on the store here: a page the call fetched is
            // served, any other fails the read and is fetched (with this view's pinned reader)
            // before SQLite runs again.
            if (call.TryReadFetched(page, destination))
            {
                return;
            }
            throw call.Missing(page, PageCount, _reader!, _cache);
        }
        var length = _reader!.ReadPage(page, _encoded);
        _db.Statistics.OnPagesRead(1, length);
        if (length == 0)
        {
            destination.Clear();
            _db.State.CheckAbsentPage(_reader, page);
        }
        else
        {
            _db.State.DecodePage(_reader, page, _encoded.AsSpan(0, length), destination);
        }
        _cache.Add(Version, page, destination);
    }

    // ---- page buffers -----------------------------------------------------------------------

    /// <summary>A page-sized buffer, reused when one is free; its content is undefined.</summary>
    public byte[] RentPage() => _freePages.TryPop(out var reused) ? reused : new byte[PageSize];

    /// <summary>Gives a buffer from <see cref="RentPage"/> back.</summary>
    public void ReturnPage(byte[] buffer)
    {
        if (_freePages.Count < MaxFreePages && buffer.Length == PageSize)
        {
            _freePages.Push(buffer);
        }
    }
}
