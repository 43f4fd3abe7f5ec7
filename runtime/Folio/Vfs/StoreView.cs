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
internal sealed class StoreView<TStore, TPageSize>
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

    // Pages this connection committed while the view lasts: newer than the reader's version.
    private readonly Dictionary<long, byte[]> _committed = new();

    public StoreView(SharedDatabase db)
    {
        _db = db;
        _store = (TStore)db.Store;
        _encoded = new byte[db.Codec.MaxEncodedSize(PageSize)];
        _scratch = new byte[PageSize];
    }

    /// <summary>The page size: a JIT-time constant for generated VFSs, the store's for the general one.</summary>
    public int PageSize => TPageSize.Value != 0 ? TPageSize.Value : _db.PageSize;

    public bool IsOpen => _reader is not null;

    /// <summary>The store version this view shows (the pinned one, or this connection's last commit).</summary>
    public long Version { get; private set; }

    /// <summary>The page count at <see cref="Version"/>.</summary>
    public long PageCount { get; private set; }

    /// <summary>The size of the file at <see cref="Version"/>.</summary>
    public long Size => PageCount * PageSize;

    /// <summary>The store's current version, for a <c>folio_version</c> pragma outside a transaction.</summary>
    public long LatestVersion => IsOpen ? Version : _store.GetHead().Version;

    /// <summary>The store's current size, for an xFileSize outside a transaction.</summary>
    public long LatestSize => IsOpen ? Size : _store.GetHead().PageCount * PageSize;

    // ---- begin and end ----------------------------------------------------------------------

    /// <summary>
    /// Pins the store's current version (xLock to SHARED). The cache learns which pages changed
    /// since the version it holds, so it drops only those.
    /// </summary>
    public void Begin()
    {
        var knownVersion = _db.Cache.Version;
        _reader = _store.BeginRead(Math.Max(knownVersion, 0));
        _db.Statistics.OnReadStarted();
        _db.Cache.Advance(knownVersion, _reader.Version, _reader.ChangedPagesSinceKnown);
        Version = _reader.Version;
        PageCount = _reader.PageCount;
    }

    /// <summary>Releases the pinned version (xUnlock to NONE, xClose).</summary>
    public void End()
    {
        var reader = _reader;
        _reader = null;
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
        foreach (var page in _committed.Keys.Where(p => p >= pageCount).ToList())
        {
            _committed.Remove(page, out var dropped);
            ReturnPage(dropped!);
        }
        Version = version;
        PageCount = pageCount;
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
        else if (page < PageCount && _db.Cache.TryRead(Version, page, offset, destination))
        {
            _db.Statistics.OnCacheHit();
        }
        else
        {
            ReadStored(page, _scratch);
            _scratch.AsSpan(offset, destination.Length).CopyTo(destination);
        }
    }

    /// <summary>Copies a whole page as the view has it; zeros past the end.</summary>
    public void Read(long page, Span<byte> destination) => Read(page, 0, destination);

    /// <summary>True when <paramref name="data"/> is page <paramref name="page"/> as the view has it.</summary>
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
        return _db.Cache.Matches(Version, page, data) ?? ReadCopy(page).AsSpan().SequenceEqual(data);
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
        if (_db.Cache.TryRead(Version, page, destination))
        {
            _db.Statistics.OnCacheHit();
            return;
        }
        var length = _reader!.ReadPage(page, _encoded);
        _db.Statistics.OnPagesRead(1, length);
        if (length == 0)
        {
            destination.Clear();
        }
        else
        {
            _db.Codec.Decode(_db.Name, page, _encoded.AsSpan(0, length), destination);
        }
        _db.Cache.Add(Version, page, destination);
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
