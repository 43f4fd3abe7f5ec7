using static Folio.Interop.SqliteConstants;

namespace Folio.Vfs;

/// <summary>
/// SQLite's five lock levels for one database, shared by every connection of the process that
/// opens it through the same VFS: the in-memory counterpart of the byte-range locks the native
/// unix VFS takes on a file. Between processes, versions (compare-and-set commits) take over.
/// </summary>
internal sealed class LockState
{
    private readonly Lock _lock = new();
    private int _sharedCount;
    private object? _reserved;
    private object? _pending;
    private object? _exclusive;

    // A commit SQLite finished on the asynchronous path whose store write is still in flight (the
    // output gate). No other connection may begin a write until it is applied or refused: it would
    // write on a version about to be replaced, and lose to it at the store.
    private object? _staged;
    private TaskCompletionSource? _stagedDone;

    // Asynchronous writers that were refused once queue here, first come first served; while one
    // holds the turn, other asynchronous writers are refused RESERVED and join the queue. Without
    // it every writer woken by a commit races the others and the unlucky ones lose forever.
    private object? _writerTurn;

    /// <summary>The queue of asynchronous writers waiting for a turn (see <see cref="TakeWriterTurn"/>).</summary>
    public SemaphoreSlim WriterQueue { get; } = new(1, 1);

    // Asynchronous writers refused a lock await this instead of sleeping: completed when the last
    // writer (RESERVED and above, or a staged commit) leaves.
    private TaskCompletionSource? _writerLeft;

    /// <summary>Moves <paramref name="owner"/> from <paramref name="current"/> up to <paramref name="wanted"/>.</summary>
    /// <returns>True when granted; false means SQLITE_BUSY (the owner may be left at PENDING).</returns>
    public bool TryLock(object owner, ref int current, int wanted)
    {
        if (current >= wanted)
        {
            return true;
        }
        lock (_lock)
        {
            switch (wanted)
            {
                case SQLITE_LOCK_SHARED:
                    // A writer waiting for readers to leave (PENDING) or writing (EXCLUSIVE) keeps new readers out.
                    if (_pending is not null || _exclusive is not null)
                    {
                        return false;
                    }
                    _sharedCount++;
                    current = SQLITE_LOCK_SHARED;
                    return true;

                case SQLITE_LOCK_RESERVED:
                    if (_reserved is not null || _pending is not null || _exclusive is not null || _staged is not null)
                    {
                        return false;
                    }
                    _reserved = owner;
                    current = SQLITE_LOCK_RESERVED;
                    return true;

                case SQLITE_LOCK_EXCLUSIVE:
                case SQLITE_LOCK_PENDING:
                    if ((_pending is not null && _pending != owner) || (_exclusive is not null && _exclusive != owner))
                    {
                        return false;
                    }
                    if (_reserved is not null && _reserved != owner)
                    {
                        return false;
                    }
                    _pending = owner;
                    if (wanted == SQLITE_LOCK_PENDING || _sharedCount > 1)
                    {
                        current = SQLITE_LOCK_PENDING;
                        return wanted == SQLITE_LOCK_PENDING;
                    }
                    _exclusive = owner;
                    current = SQLITE_LOCK_EXCLUSIVE;
                    return true;

                default:
                    throw new ArgumentOutOfRangeException(nameof(wanted), wanted, "Unknown SQLite lock level.");
            }
        }
    }

    /// <summary>
    /// EXCLUSIVE for a writer on the asynchronous path, where SQLite's busy handler is off: once
    /// it holds PENDING (no new reader may enter) it waits, for up to <paramref name="timeout"/>,
    /// for the readers already inside to leave. Those readers run on the asynchronous path or
    /// hold their read briefly; giving up the PENDING lock instead would let new readers in and
    /// starve the writer.
    /// </summary>
    /// <returns>True when granted; false for SQLITE_BUSY (another writer, or readers that stayed).</returns>
    public bool TryLockExclusiveAfterReaders(object owner, ref int current, TimeSpan timeout)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        var spin = new SpinWait();
        while (true)
        {
            if (TryLock(owner, ref current, SQLITE_LOCK_EXCLUSIVE))
            {
                return true;
            }
            if (current != SQLITE_LOCK_PENDING || Environment.TickCount64 > deadline)
            {
                return false;
            }
            spin.SpinOnce(sleep1Threshold: 20);
        }
    }

    /// <summary>Moves <paramref name="owner"/> down to <paramref name="wanted"/> (SHARED or NONE).</summary>
    public void Unlock(object owner, ref int current, int wanted)
    {
        if (current <= wanted)
        {
            return;
        }
        TaskCompletionSource? writerLeft;
        lock (_lock)
        {
            if (_reserved == owner) _reserved = null;
            if (_pending == owner) _pending = null;
            if (_exclusive == owner) _exclusive = null;
            if (wanted == SQLITE_LOCK_NONE && current >= SQLITE_LOCK_SHARED)
            {
                _sharedCount--;
            }
            current = wanted;
            writerLeft = TakeWriterLeftLocked();
        }
        writerLeft?.TrySetResult();
    }

    /// <summary>
    /// Keeps every connection from beginning a write until <see cref="ReleaseStagedCommit"/>:
    /// called at a staged commit's commit point, while its connection still holds EXCLUSIVE.
    /// </summary>
    public void HoldForStagedCommit(object token)
    {
        lock (_lock)
        {
            _staged = token;
            _stagedDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>The staged commit <paramref name="token"/> was applied or refused: writers may begin again.</summary>
    public void ReleaseStagedCommit(object token)
    {
        TaskCompletionSource? done, writerLeft;
        lock (_lock)
        {
            if (_staged != token)
            {
                return;
            }
            _staged = null;
            done = _stagedDone;
            _stagedDone = null;
            writerLeft = TakeWriterLeftLocked();
        }
        done?.TrySetResult();
        writerLeft?.TrySetResult();
    }

    /// <summary>True while a connection holds RESERVED or above, or a staged commit is in flight.</summary>
    public bool HasWriter
    {
        get
        {
            lock (_lock)
            {
                return HasWriterLocked;
            }
        }
    }

    /// <summary>Completes when no connection holds RESERVED or above and no staged commit is in flight.</summary>
    public Task WhenWriterLeaves()
    {
        lock (_lock)
        {
            if (!HasWriterLocked)
            {
                return Task.CompletedTask;
            }
            _writerLeft ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _writerLeft.Task;
        }
    }

    private bool HasWriterLocked => _reserved is not null || _pending is not null || _exclusive is not null || _staged is not null;

    private TaskCompletionSource? TakeWriterLeftLocked()
    {
        if (_writerLeft is null || HasWriterLocked)
        {
            return null;
        }
        var left = _writerLeft;
        _writerLeft = null;
        return left;
    }

    /// <summary>True when an asynchronous writer other than <paramref name="call"/> holds the writers' turn.</summary>
    public bool IsWriterTurnOfAnother(object call)
    {
        var holder = Volatile.Read(ref _writerTurn);
        return holder is not null && holder != call;
    }

    /// <summary><paramref name="call"/> got through <see cref="WriterQueue"/>: its turn until <see cref="EndWriterTurn"/>.</summary>
    public void TakeWriterTurn(object call) => Volatile.Write(ref _writerTurn, call);

    /// <summary>Ends <paramref name="call"/>'s turn and lets the next queued writer in.</summary>
    public void EndWriterTurn(object call)
    {
        if (Interlocked.CompareExchange(ref _writerTurn, null, call) == call)
        {
            WriterQueue.Release();
        }
    }

    /// <summary>True while a staged commit's store write is in flight.</summary>
    public bool HasStagedCommit => Volatile.Read(ref _staged) is not null;

    /// <summary>Completes once no staged commit is in flight (at once, almost always).</summary>
    public Task WhenNoStagedCommit()
    {
        lock (_lock)
        {
            return _stagedDone?.Task ?? Task.CompletedTask;
        }
    }

    /// <summary>True when any connection holds RESERVED or above.</summary>
    public bool IsReserved
    {
        get
        {
            lock (_lock)
            {
                return _reserved is not null || _pending is not null || _exclusive is not null;
            }
        }
    }
}
