using System.Buffers;
using System.Buffers.Binary;
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
/// <see cref="VfsErrors"/>. Either way the store is untouched and the buffer is discarded. Until
/// the write lock drops, a later sync succeeds only as the end of a rollback (the originals
/// written back); a retried COMMIT fails again.</item>
/// <item>xUnlock below RESERVED with pages or a size change still buffered commits them (SQLite
/// normally syncs last, but VACUUM truncates after its sync). xUnlock(NONE) ends the read.</item>
/// </list>
/// </remarks>
internal sealed class MainFile<TStore, TPageSize> : VfsFile
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

    // This connection's view: the pinned store version plus its own commits since.
    private IPageStoreReader? _reader;
    private PageCache _cache;
    private StoreLineage _viewLineage;
    private long _viewVersion;
    private long _viewPageCount;
    private long _size;
    private int _lockLevel;

    // The database state's generation this connection last served; see BeginView.
    private int _seenGeneration;
    private bool _invalidateSqliteCache;

    // Pages this connection holds newer than the store's pinned version: its own commits while the
    // read lasts, and the current transaction's dirty pages.
    private readonly Dictionary<long, byte[]> _pages = new();

    // The current transaction's dirty pages, each with its content before the transaction when it
    // was already in _pages (null: the content is the view's stored page).
    private readonly Dictionary<long, byte[]?> _dirty = new();

    // Set when a commit failed while this connection holds its write lock. SQLite then either
    // retries the COMMIT (nothing written since) or rolls back (writes the originals back and
    // syncs). Only the second may succeed: a retried COMMIT must fail again, or it would report
    // success for a transaction the store never saw.
    private Exception? _commitFailure;
    private bool _writtenSinceFailure;

    public MainFile(SharedDatabase db)
    {
        _db = db;
        _store = (TStore)db.Store;
        _encoded = new byte[db.Codec.MaxEncodedSize(PageSize)];
        _scratch = new byte[PageSize];
        _cache = db.Cache;
        _seenGeneration = db.State.Generation;
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
        if (_invalidateSqliteCache && offset == 24 && buffer.Length == 16)
        {
            // SQLite's change-counter probe at the start of a transaction (see BeginView).
            _invalidateSqliteCache = false;
            var rc = ReadView(buffer, offset);
            for (var i = 0; i < buffer.Length; i++)
            {
                buffer[i] = (byte)~buffer[i];
            }
            return rc;
        }
        var pageSize = PageSize;
        var available = (int)Math.Clamp(_size - offset, 0, buffer.Length);
        var position = offset;
        var remaining = buffer[..available];
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
            else if (page < _viewPageCount && _cache.TryRead(_viewVersion, page, inPage, remaining[..n]))
            {
                // Part of a cached page (SQLite's header read at every transaction start).
                _db.Statistics.OnCacheHit();
            }
            else
            {
                ReadViewPage(page, _scratch);
                _scratch.AsSpan(inPage, n).CopyTo(remaining);
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
        if (_cache.TryRead(_viewVersion, page, destination))
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
            _db.Codec.Decode(_db.Name, _viewLineage.DatabaseId, page, _encoded.AsSpan(0, length), destination);
        }
        _cache.Add(_viewVersion, page, destination);
    }

    // ---- xWrite, xTruncate, xFileSize -------------------------------------------------------

    public void Write(ReadOnlySpan<byte> data, long offset)
    {
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
        _writtenSinceFailure = _commitFailure is not null;
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
        var fresh = _freePages.TryPop(out var reused) ? reused : new byte[PageSize];
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
        if (size % pageSize != 0)
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
        var head = _db.GetHead();
        return head.PageCount * PageSize;
    }

    // ---- commit -----------------------------------------------------------------------------

    /// <summary>Hands the transaction's pages to the store as one batch; no-op when nothing changed.</summary>
    public void Commit()
    {
        if (_reader is null)
        {
            return;
        }
        if (_commitFailure is not null)
        {
            CommitAfterFailure(_commitFailure);
            return;
        }
        var pageSize = PageSize;
        var newPageCount = Math.Min((_size + pageSize - 1) / pageSize, HeaderPageCount() ?? long.MaxValue);
        var numbers = _dirty.Keys.Where(p => p < newPageCount).ToArray();
        Array.Sort(numbers);
        var batch = new List<StorePage>(numbers.Length);
        var rented = new List<byte[]>(numbers.Length);
        long bytes = 0;
        long newVersion;
        try
        {
            foreach (var page in numbers)
            {
                var data = _pages[page];
                if (page < _viewPageCount && EqualsView(page, _dirty[page], data))
                {
                    continue;
                }
                // Encoded values live only until the store's Commit returns (the contract says a
                // store copies what it keeps), so they come from the shared pool.
                var encoded = ArrayPool<byte>.Shared.Rent(_db.Codec.MaxEncodedSize(pageSize));
                rented.Add(encoded);
                var length = _db.Codec.Encode(_viewLineage.DatabaseId, page, data, encoded);
                batch.Add(new StorePage(page, encoded.AsMemory(0, length)));
                bytes += length;
            }
            if (newPageCount == _viewPageCount && (batch.Count == 0 || OnlyChangeCounterMoved(batch)))
            {
                _dirty.Clear();
                return;
            }
            CheckHeaderPageSize();
            newVersion = _store.Commit(new StoreCommit(_viewLineage, _viewVersion, newPageCount, batch));
        }
        catch (HistoryChangedException e)
        {
            _db.State.OnHistoryChanged(e);
            DiscardTransaction(e);
            throw;
        }
        catch (StoreConflictException e)
        {
            _db.Statistics.OnConflict();
            _db.Logger.LogDebug("Folio database '{Database}': commit at version {Version} lost to another writer", _db.Name, _viewVersion);
            DiscardTransaction(e);
            throw;
        }
        catch (Exception e)
        {
            _db.Statistics.OnCommitFailed();
            _db.Logger.LogWarning(e, "Folio database '{Database}': commit at version {Version} failed; the store keeps its previous version", _db.Name, _viewVersion);
            DiscardTransaction(e);
            throw;
        }
        finally
        {
            foreach (var buffer in rented)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        _db.State.OnCommitted(_viewLineage, newVersion);
        _db.Statistics.OnCommitted(batch.Count, bytes);
        _cache.ApplyCommit(_viewVersion, newVersion, _viewPageCount, newPageCount,
            _dirty.Keys.Where(p => p < newPageCount).Select(p => new KeyValuePair<long, byte[]>(p, _pages[p])));
        _viewVersion = newVersion;
        _viewPageCount = newPageCount;
        _dirty.Clear();
    }

    /// <summary>
    /// Refuses a commit that would store a database whose SQLite page size differs from the
    /// store's (a backup from a file with another page size, say): the page size is fixed at
    /// creation, and mismatched sizes would turn every page write into a read-modify-write.
    /// </summary>
    private void CheckHeaderPageSize()
    {
        if (!_dirty.ContainsKey(0) || !_pages.TryGetValue(0, out var header) || !header.AsSpan(0, 16).SequenceEqual("SQLite format 3\0"u8))
        {
            return;
        }
        var raw = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(16));
        var sqlitePageSize = raw == 1 ? 65536 : raw;
        if (sqlitePageSize != PageSize)
        {
            throw new InvalidOperationException(
                $"Folio database '{_db.Name}': SQLite's page size would become {sqlitePageSize}, but the store's is {PageSize}; the page size is fixed when the database is created.");
        }
    }

    /// <summary>
    /// The database size SQLite wrote in the header of page 0 (offset 28), when this transaction
    /// holds page 0 and the size is valid (the version-valid-for number at offset 92 equals the
    /// change counter at offset 24). A shrinking commit (VACUUM, incremental vacuum) syncs first
    /// and truncates the file afterwards; committing the header's size makes the shrink part of
    /// the same atomic commit instead of a second one that could fail on its own.
    /// </summary>
    private long? HeaderPageCount()
    {
        if (!_pages.TryGetValue(0, out var header) || header.Length < 100
            || !header.AsSpan(24, 4).SequenceEqual(header.AsSpan(92, 4)))
        {
            return null;
        }
        var sqlitePageSize = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(16));
        var count = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(28));
        // Only when SQLite's pages are the store's: otherwise the counts are in different units.
        return (sqlitePageSize == 1 ? 65536 : sqlitePageSize) == PageSize && count > 0 ? count : null;
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
        return _cache.Matches(_viewVersion, page, now) ?? ReadViewPageCopy(page).AsSpan().SequenceEqual(now);
    }

    /// <summary>
    /// A sync after a failed commit in the same write lock: a rollback that wrote the original
    /// pages back (they match the view: nothing to commit) succeeds; anything else, a retried
    /// COMMIT above all, fails again as the first attempt did.
    /// </summary>
    private void CommitAfterFailure(Exception failure)
    {
        if (_writtenSinceFailure && MatchesView())
        {
            RestoreView();
            return;
        }
        throw failure switch
        {
            StoreConflictException => new StoreConflictException(_db.Name,
                $"Folio database '{_db.Name}': this transaction already lost its commit to another writer; roll it back and retry it."),
            _ => new IOException($"Folio database '{_db.Name}': an earlier commit of this transaction failed ({failure.Message}); roll it back and retry it.", failure),
        };
    }

    /// <summary>True when the buffer holds nothing the view does not already have.</summary>
    private bool MatchesView()
    {
        if (_size != _viewPageCount * PageSize)
        {
            return false;
        }
        foreach (var (page, before) in _dirty)
        {
            if (page >= _viewPageCount || !EqualsView(page, before, _pages[page]))
            {
                return false;
            }
        }
        return true;
    }

    private void DiscardTransaction(Exception failure)
    {
        RestoreView();
        _commitFailure = failure;
        _writtenSinceFailure = false;
    }

    /// <summary>Drops the transaction's buffer: the connection sees its view again.</summary>
    private void RestoreView()
    {
        foreach (var (page, before) in _dirty)
        {
            if (before is null)
            {
                if (_pages.Remove(page, out var buffer))
                {
                    Recycle(buffer);
                }
            }
            else
            {
                _pages[page] = before;
            }
        }
        _dirty.Clear();
        _size = _viewPageCount * PageSize;
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
            // SQLite normally syncs last, but VACUUM (through the backup code) truncates the file
            // after its sync: a size change still pending here is committed like dirty pages.
            if (endingWrite && _commitFailure is null && (_dirty.Count > 0 || _size != _viewPageCount * PageSize))
            {
                Commit();
            }
        }
        finally
        {
            if (endingWrite)
            {
                // After a failed commit whatever SQLite left behind is dropped, never committed.
                RestoreView();
                _commitFailure = null;
                _writtenSinceFailure = false;
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
        _reader = _db.BeginRead(out _cache);
        _viewLineage = _reader.Lineage;
        var generation = _db.State.Generation;
        if (generation != _seenGeneration)
        {
            // The history changed since this connection's last transaction: SQLite's own page
            // cache may hold pages of the old history, and the change counter it compares may
            // even match by coincidence. Answer its next change-counter probe with bytes that
            // cannot match, so it drops that cache.
            _seenGeneration = generation;
            _invalidateSqliteCache = true;
        }
        _viewVersion = _reader.Version;
        _viewPageCount = _reader.PageCount;
        _size = _viewPageCount * PageSize;
    }

    private void Recycle(byte[] buffer)
    {
        if (_freePages.Count < MaxFreePages && buffer.Length == PageSize)
        {
            _freePages.Push(buffer);
        }
    }

    private void EndView()
    {
        var reader = _reader;
        _reader = null;
        foreach (var buffer in _pages.Values)
        {
            Recycle(buffer);
        }
        _pages.Clear();
        _dirty.Clear();
        _commitFailure = null;
        _writtenSinceFailure = false;
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
            case "page_size" when value is not null && (!int.TryParse(value, out var requested) || requested != PageSize):
                throw new NotSupportedException(
                    $"Folio database '{_db.Name}': page_size is fixed at {PageSize} (the store's page size, chosen when the database was created); it cannot become {value}.");
            case "folio_version":
                return (_reader is not null ? _viewVersion : _db.GetHead().Version).ToString(System.Globalization.CultureInfo.InvariantCulture);
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
