using Folio.Storage;
using Microsoft.Extensions.Logging;
using static Folio.Interop.SqliteConstants;

namespace Folio.Vfs;

/// <summary>
/// One connection's view of a database's main file: the state machine behind xRead, xWrite,
/// xTruncate, xSync, xLock and xUnlock. Generic over the page size so the JIT compiles page
/// arithmetic with a constant, and over the store type so generated code stays typed.
/// </summary>
/// <remarks>
/// <para>The protocol, in the order SQLite drives it:</para>
/// <list type="number">
/// <item>xLock(SHARED) takes the shared level in <see cref="LockState"/> and pins a store version
/// (<see cref="IPageStore.BeginRead"/>). Every read until the lock drops to NONE sees that
/// version, plus this connection's own commits.</item>
/// <item>xWrite never reaches the store: pages go to a transaction buffer, spills included.</item>
/// <item>SQLITE_FCNTL_SYNC (sent even with <c>synchronous=OFF</c>) or xSync commits the buffer as
/// one batch with the pinned version as the expected version. Pages equal to what the view
/// already holds are dropped, so a ROLLBACK that spilled (SQLite writes the originals back and
/// still syncs) commits nothing.</item>
/// <item>A conflict becomes SQLITE_BUSY; any other failure SQLITE_IOERR with the cause kept in
/// <see cref="VfsErrors"/>. Either way the store is untouched, the buffer is discarded, and the
/// originals SQLite writes back while rolling back are ignored until the lock drops.</item>
/// <item>xUnlock below RESERVED with pages still buffered commits them (a safety net; SQLite
/// normally syncs first). xUnlock(NONE) ends the read.</item>
/// </list>
/// </remarks>
internal sealed class MainFile<TStore, TPageSize> : VfsFile
    where TStore : class, IPageStore
    where TPageSize : struct, IPageSize
{
    private readonly SharedDatabase _db;
    private readonly TStore _store;
    private readonly byte[] _encoded;

    // This connection's view: the pinned store version plus its own commits since.
    private IPageStoreReader? _reader;
    private long _viewVersion;
    private long _viewPageCount;
    private long _size;
    private int _lockLevel;

    // Pages this connection holds newer than the store's pinned version: its own commits while the
    // read lasts, and the current transaction's dirty pages.
    private readonly Dictionary<long, byte[]> _pages = new();

    // The current transaction's dirty pages, each with its content before the transaction when it
    // was already in _pages (null: the content is the view's stored page).
    private readonly Dictionary<long, byte[]?> _dirty = new();
    private bool _discardWrites;

    public MainFile(SharedDatabase db)
    {
        _db = db;
        _store = (TStore)db.Store;
        _encoded = new byte[db.Codec.MaxEncodedSize(PageSize)];
    }

    /// <summary>The page size: a JIT-time constant for generated VFSs, the store's for the general one.</summary>
    private int PageSize => TPageSize.Value != 0 ? TPageSize.Value : _db.PageSize;

    public SharedDatabase Database => _db;

    public int LockLevel => _lockLevel;

    // ---- xRead ------------------------------------------------------------------------------

    public int Read(Span<byte> buffer, long offset)
    {
        if (_reader is not null)
        {
            return ReadView(buffer, offset);
        }

        // SQLite reads the header once before taking any lock (when the connection opens): serve
        // it from a short read of its own.
        BeginView();
        try
        {
            return ReadView(buffer, offset);
        }
        finally
        {
            EndView();
        }
    }

    private int ReadView(Span<byte> buffer, long offset)
    {
        var pageSize = PageSize;
        var available = (int)Math.Clamp(_size - offset, 0, buffer.Length);
        var position = offset;
        var remaining = buffer[..available];
        Span<byte> scratch = null;
        while (!remaining.IsEmpty)
        {
            var page = position / pageSize;
            var inPage = (int)(position % pageSize);
            var n = Math.Min(pageSize - inPage, remaining.Length);
            if (_pages.TryGetValue(page, out var held))
            {
                held.AsSpan(inPage, n).CopyTo(remaining);
            }
            else if (inPage == 0 && n == pageSize)
            {
                ReadViewPage(page, remaining[..n]);
            }
            else
            {
                if (scratch.IsEmpty)
                {
                    scratch = new byte[pageSize];
                }
                ReadViewPage(page, scratch);
                scratch.Slice(inPage, n).CopyTo(remaining);
            }
            remaining = remaining[n..];
            position += n;
        }
        if (available < buffer.Length)
        {
            buffer[available..].Clear();
            return SQLITE_IOERR_SHORT_READ;
        }
        return SQLITE_OK;
    }

    /// <summary>Reads a page as the view's stored version has it: from the cache, else from the store.</summary>
    private void ReadViewPage(long page, Span<byte> destination)
    {
        if (page >= _viewPageCount)
        {
            destination.Clear();
            return;
        }
        if (_db.Cache.TryRead(_viewVersion, page, destination))
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
        _db.Cache.Add(_viewVersion, page, destination);
    }

    // ---- xWrite, xTruncate, xFileSize -------------------------------------------------------

    public void Write(ReadOnlySpan<byte> data, long offset)
    {
        if (_discardWrites)
        {
            // SQLite is rolling back after a failed commit by writing the original pages back:
            // they equal the view, which the discarded buffer already restored.
            return;
        }
        if (_reader is null)
        {
            throw new InvalidOperationException($"Folio database '{_db.Name}': SQLite wrote to the database without holding a lock.");
        }
        var pageSize = PageSize;
        var position = offset;
        while (!data.IsEmpty)
        {
            var page = position / pageSize;
            var inPage = (int)(position % pageSize);
            var n = Math.Min(pageSize - inPage, data.Length);
            var target = WritablePage(page, wholePage: inPage == 0 && n == pageSize);
            data[..n].CopyTo(target.AsSpan(inPage));
            data = data[n..];
            position += n;
        }
        _size = Math.Max(_size, position);
    }

    private byte[] WritablePage(long page, bool wholePage)
    {
        var exists = _pages.TryGetValue(page, out var held);
        if (!_dirty.ContainsKey(page))
        {
            _dirty[page] = exists ? (byte[])held!.Clone() : null;
        }
        if (exists)
        {
            return held!;
        }
        var fresh = new byte[PageSize];
        if (!wholePage)
        {
            ReadViewPage(page, fresh);
        }
        _pages[page] = fresh;
        return fresh;
    }

    public void Truncate(long size)
    {
        if (_reader is null)
        {
            throw new InvalidOperationException($"Folio database '{_db.Name}': SQLite truncated the database without holding a lock.");
        }
        var pageSize = PageSize;
        var pageCount = (size + pageSize - 1) / pageSize;
        foreach (var page in _pages.Keys.Where(p => p >= pageCount).ToList())
        {
            _pages.Remove(page);
            _dirty.Remove(page);
        }
        if (size % pageSize != 0 && !_discardWrites)
        {
            WritablePage(pageCount - 1, wholePage: false).AsSpan((int)(size % pageSize)).Clear();
        }
        _size = size;
    }

    public long FileSize()
    {
        if (_reader is not null)
        {
            return _size;
        }
        var head = _store.GetHead();
        return head.PageCount * PageSize;
    }

    // ---- commit -----------------------------------------------------------------------------

    /// <summary>Hands the transaction's pages to the store as one batch; no-op when nothing changed.</summary>
    public void Commit()
    {
        if (_discardWrites || _reader is null)
        {
            return;
        }
        var pageSize = PageSize;
        var newPageCount = (_size + pageSize - 1) / pageSize;
        var batch = new List<StorePage>(_dirty.Count);
        long bytes = 0;
        long newVersion;
        // Everything up to the store's answer is one failure domain: building the batch reads the
        // view from the store, and a read that fails there must discard the transaction like a
        // failed store commit, or SQLite's rollback (which restores only the pages it journaled)
        // and its sync would commit what is left in the buffer.
        try
        {
            foreach (var page in _dirty.Keys.Order())
            {
                if (page >= newPageCount)
                {
                    continue;
                }
                var data = _pages[page];
                if (page < _viewPageCount && EqualsView(page, _dirty[page], data))
                {
                    continue;
                }
                var encoded = new byte[_db.Codec.MaxEncodedSize(pageSize)];
                var length = _db.Codec.Encode(page, data, encoded);
                batch.Add(new StorePage(page, encoded.AsMemory(0, length)));
                bytes += length;
            }
            if (newPageCount == _viewPageCount && (batch.Count == 0 || OnlyChangeCounterMoved(batch)))
            {
                _dirty.Clear();
                return;
            }
            newVersion = _store.Commit(new StoreCommit(_viewVersion, newPageCount, batch));
        }
        catch (StoreConflictException)
        {
            _db.Statistics.OnConflict();
            _db.Logger.LogDebug("Folio database '{Database}': commit at version {Version} lost to another writer", _db.Name, _viewVersion);
            DiscardTransaction();
            throw;
        }
        catch (Exception e)
        {
            _db.Statistics.OnCommitFailed();
            _db.Logger.LogWarning(e, "Folio database '{Database}': commit at version {Version} failed; the store keeps its previous version", _db.Name, _viewVersion);
            DiscardTransaction();
            throw;
        }

        _db.Statistics.OnCommitted(batch.Count, bytes);
        _db.Cache.ApplyCommit(_viewVersion, newVersion, newPageCount,
            _dirty.Keys.Where(p => p < newPageCount).Select(p => new KeyValuePair<long, byte[]>(p, _pages[p])));
        _viewVersion = newVersion;
        _viewPageCount = newPageCount;
        _dirty.Clear();
    }

    /// <summary>
    /// True when the batch is page 0 alone and differs from the view only in the header's change
    /// counter (offset 24) and version-valid-for number (offset 92): what SQLite writes when a
    /// transaction changed nothing in the end (ROLLBACK TO a savepoint, then RELEASE). Committing
    /// it would bump the store's version for no data; other connections' caches stay valid, and
    /// this connection re-reads the header at its next transaction anyway.
    /// </summary>
    private bool OnlyChangeCounterMoved(List<StorePage> batch)
    {
        if (batch.Count != 1 || batch[0].Number != 0 || _viewPageCount == 0)
        {
            return false;
        }
        var now = _pages[0];
        var before = _dirty[0] ?? ReadViewPageCopy(0);
        var n = now.AsSpan();
        var b = before.AsSpan();
        return n[..24].SequenceEqual(b[..24])
            && n[28..92].SequenceEqual(b[28..92])
            && n[96..].SequenceEqual(b[96..]);
    }

    private byte[] ReadViewPageCopy(long page)
    {
        var copy = new byte[PageSize];
        ReadViewPage(page, copy);
        return copy;
    }

    private bool EqualsView(long page, byte[]? before, byte[] now)
    {
        if (before is not null)
        {
            return before.AsSpan().SequenceEqual(now);
        }
        return ReadViewPageCopy(page).AsSpan().SequenceEqual(now);
    }

    private void DiscardTransaction()
    {
        foreach (var (page, before) in _dirty)
        {
            if (before is null)
            {
                _pages.Remove(page);
            }
            else
            {
                _pages[page] = before;
            }
        }
        _dirty.Clear();
        _size = _viewPageCount * PageSize;
        _discardWrites = true;
    }

    // ---- xLock, xUnlock ---------------------------------------------------------------------

    /// <returns>True when granted; false for SQLITE_BUSY.</returns>
    public bool Lock(int level)
    {
        if (_lockLevel == SQLITE_LOCK_NONE && level >= SQLITE_LOCK_SHARED)
        {
            if (!_db.Locks.TryLock(this, ref _lockLevel, SQLITE_LOCK_SHARED))
            {
                return false;
            }
            try
            {
                BeginView();
            }
            catch
            {
                _db.Locks.Unlock(this, ref _lockLevel, SQLITE_LOCK_NONE);
                throw;
            }
        }
        return _db.Locks.TryLock(this, ref _lockLevel, level);
    }

    public void Unlock(int level)
    {
        var endingWrite = level < SQLITE_LOCK_RESERVED && _lockLevel >= SQLITE_LOCK_RESERVED;
        try
        {
            if (endingWrite && _dirty.Count > 0)
            {
                Commit();
            }
        }
        finally
        {
            if (endingWrite)
            {
                _dirty.Clear();
                _discardWrites = false;
            }
            _db.Locks.Unlock(this, ref _lockLevel, level);
            if (level == SQLITE_LOCK_NONE)
            {
                EndView();
            }
        }
    }

    public bool IsReserved => _db.Locks.IsReserved;

    private void BeginView()
    {
        var knownVersion = _db.Cache.Version;
        _reader = _store.BeginRead(Math.Max(knownVersion, 0));
        _db.Statistics.OnReadStarted();
        _db.Cache.Advance(knownVersion, _reader.Version, _reader.ChangedPagesSinceKnown);
        _viewVersion = _reader.Version;
        _viewPageCount = _reader.PageCount;
        _size = _viewPageCount * PageSize;
    }

    private void EndView()
    {
        var reader = _reader;
        _reader = null;
        _pages.Clear();
        _dirty.Clear();
        _discardWrites = false;
        reader?.Dispose();
    }

    // ---- xFileControl(PRAGMA) -----------------------------------------------------------------

    /// <summary>Answers a pragma addressed to this file, or returns null to let SQLite handle it.</summary>
    /// <exception cref="NotSupportedException">The pragma asks for something Folio refuses (WAL).</exception>
    public string? Pragma(string name, string? value)
    {
        switch (name.ToLowerInvariant())
        {
            case "journal_mode" when value is not null && value.Equals("wal", StringComparison.OrdinalIgnoreCase):
                throw new NotSupportedException(
                    $"Folio database '{_db.Name}': journal_mode=WAL is not supported (the store has no shared memory, and every commit is already atomic in the store); use MEMORY, the default.");
            case "folio_version":
                return (_reader is not null ? _viewVersion : _store.GetHead().Version).ToString(System.Globalization.CultureInfo.InvariantCulture);
            case "folio_page_size":
                return PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
            case "folio_stats":
                return _db.Statistics.ToString();
            default:
                return null;
        }
    }

    public void Close()
    {
        if (_lockLevel != SQLITE_LOCK_NONE)
        {
            Unlock(SQLITE_LOCK_NONE);
        }
        EndView();
    }
}
