using Folio.Storage;
using static Folio.Interop.SqliteConstants;

namespace Folio.Vfs;

/// <summary>
/// One connection's main database file: what the VFS slots (<see cref="PagedVfs{TStore, TPageSize}"/>)
/// call. Generic over the page size so the JIT compiles page arithmetic with a constant, and over
/// the store type so generated code stays typed.
/// </summary>
/// <remarks>
/// <para>Three parts, each readable on its own:</para>
/// <list type="bullet">
/// <item><see cref="StoreView{TStore, TPageSize}"/>: the store version pinned at xLock(SHARED)
/// and the reads from it (own commits, the shared cache, the store).</item>
/// <item><see cref="TransactionBuffer{TStore, TPageSize}"/>: what xWrite and xTruncate changed
/// (spills included); it never reaches the store by itself.</item>
/// <item><see cref="CommitPolicy{TStore, TPageSize}"/>: the transaction's state and the one place
/// that publishes a batch, at SQLITE_FCNTL_SYNC / xSync, and discards one abandoned without it.</item>
/// </list>
/// </remarks>
internal sealed class MainFile<TStore, TPageSize> : VfsFile
    where TStore : class, IPageStore
    where TPageSize : struct, IPageSize
{
    private readonly SharedDatabase _db;
    private readonly StoreView<TStore, TPageSize> _view;
    private readonly TransactionBuffer<TStore, TPageSize> _buffer;
    private readonly CommitPolicy<TStore, TPageSize> _policy;
    private int _lockLevel;

    public MainFile(SharedDatabase db)
    {
        _db = db;
        _view = new StoreView<TStore, TPageSize>(db);
        _buffer = new TransactionBuffer<TStore, TPageSize>(_view);
        _policy = new CommitPolicy<TStore, TPageSize>(db, _view, _buffer);
    }

    public SharedDatabase Database => _db;

    public int LockLevel => _lockLevel;

    // ---- xRead, xWrite, xTruncate, xFileSize ------------------------------------------------

    public int Read(Span<byte> buffer, long offset)
    {
        if (_view.IsOpen)
        {
            if (offset == 24 && buffer.Length == 16 && _view.SqliteCacheInvalidationPending)
            {
                // The change-counter probe after a history change or a retracted commit (see StoreView).
                var rc = _buffer.Read(buffer, offset);
                for (var i = 0; i < buffer.Length; i++)
                {
                    buffer[i] = (byte)~buffer[i];
                }
                _view.SqliteCacheInvalidated();
                return rc;
            }
            return _buffer.Read(buffer, offset);
        }
        // SQLite reads the header once before taking any lock (when the connection opens): serve
        // it from a short read of its own.
        _policy.Begin();
        try
        {
            return _buffer.Read(buffer, offset);
        }
        finally
        {
            _policy.End();
        }
    }

    public void Write(ReadOnlySpan<byte> data, long offset)
    {
        RequireLock("wrote to");
        _buffer.Write(data, offset);
        _policy.Changed(written: true);
    }

    public void Truncate(long size)
    {
        RequireLock("truncated");
        _buffer.Truncate(size);
        _policy.Changed(written: false);
    }

    public long FileSize() => _view.IsOpen ? _buffer.Size : _view.LatestSize;

    private void RequireLock(string what)
    {
        if (!_view.IsOpen)
        {
            throw new InvalidOperationException($"Folio database '{_db.Name}': SQLite {what} the database without holding a lock.");
        }
    }

    // ---- xSync, SQLITE_FCNTL_SYNC: the commit point -----------------------------------------

    /// <summary>SQLITE_FCNTL_SYNC or xSync: publishes the transaction SQLite is committing.</summary>
    public void Sync() => _policy.Sync();

    // ---- xLock, xUnlock, xClose -------------------------------------------------------------

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
                _policy.Begin();
            }
            catch
            {
                _db.Locks.Unlock(this, ref _lockLevel, SQLITE_LOCK_NONE);
                throw;
            }
        }
        if (level == SQLITE_LOCK_RESERVED && _lockLevel < SQLITE_LOCK_RESERVED && AsyncCall.For(_db.State) is { } call)
        {
            return LockReservedAsynchronously(call);
        }
        if (level == SQLITE_LOCK_EXCLUSIVE && AsyncCall.For(_db.State) is not null)
        {
            return _db.Locks.TryLockExclusiveAfterReaders(this, ref _lockLevel, _db.BusyTimeout);
        }
        return _db.Locks.TryLock(this, ref _lockLevel, level);
    }

    /// <summary>
    /// RESERVED on the asynchronous path, where a refusal is not slept on but comes back to the
    /// call (see AsyncPath), which awaits what it needs and runs again.
    /// </summary>
    private bool LockReservedAsynchronously(AsyncCall call)
    {
        if (_db.Locks.IsWriterTurnOfAnother(call))
        {
            call.RequestWriterTurn(); // writers are queued: wait in line
            return false;
        }
        if (_view.Version < _db.State.ConfirmedVersion || _db.Locks.HasStagedCommit)
        {
            // The write would begin on a version another connection of this process already
            // replaced (or is replacing): it could only lose at the store. The call starts over
            // on a fresh read instead of sending a doomed commit.
            call.RequestFreshRead();
            return false;
        }
        if (!_db.Locks.TryLock(this, ref _lockLevel, SQLITE_LOCK_RESERVED))
        {
            call.RequestWriterTurn(); // another connection writes: queue behind it
            return false;
        }
        return true;
    }

    /// <summary>Below RESERVED the transaction ends (published at its commit point, or discarded); NONE ends the view.</summary>
    public void Unlock(int level)
    {
        try
        {
            if (level < SQLITE_LOCK_RESERVED && _lockLevel >= SQLITE_LOCK_RESERVED)
            {
                _policy.WriteLockReleased();
            }
        }
        finally
        {
            _db.Locks.Unlock(this, ref _lockLevel, level);
            if (level == SQLITE_LOCK_NONE)
            {
                _policy.End();
            }
        }
    }

    public bool IsReserved => _db.Locks.IsReserved;

    /// <summary>xClose: a transaction still open here never reached its commit point and is dropped.</summary>
    public void Close()
    {
        if (_lockLevel != SQLITE_LOCK_NONE)
        {
            Unlock(SQLITE_LOCK_NONE);
        }
        _policy.End();
        _view.Release();
    }

    // ---- xFileControl(PRAGMA) -----------------------------------------------------------------

    /// <summary>Answers a pragma addressed to this file, or returns null to let SQLite handle it.</summary>
    /// <exception cref="NotSupportedException">The pragma asks for something Folio refuses (WAL).</exception>
    public string? Pragma(string name, string? value)
    {
        var pageSize = _view.PageSize;
        switch (name.ToLowerInvariant())
        {
            case "journal_mode" when value is not null && value.Equals("wal", StringComparison.OrdinalIgnoreCase):
                throw new NotSupportedException(
                    $"Folio database '{_db.Name}': journal_mode=WAL is not supported (the store has no shared memory, and every commit is already atomic in the store); use MEMORY, the default.");
            case "page_size" when value is not null && (!int.TryParse(value, out var requested) || requested != pageSize):
                throw new NotSupportedException(
                    $"Folio database '{_db.Name}': page_size is fixed at {pageSize} (the store's page size, chosen when the database was created); it cannot become {value}.");
            case "folio_version":
                return _view.LatestVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
            case "folio_page_size":
                return pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
            case "folio_stats":
                return _db.Statistics.ToString();
            default:
                return null;
        }
    }
}
