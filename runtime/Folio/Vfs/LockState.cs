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

    /// <summary>Moves <paramref name="owner"/> down to <paramref name="wanted"/> (SHARED or NONE).</summary>
    public void Unlock(object owner, ref int current, int wanted)
    {
        if (current <= wanted)
        {
            return;
        }
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
        }
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
        TaskCompletionSource? done;
        lock (_lock)
        {
            if (_staged != token)
            {
                return;
            }
            _staged = null;
            done = _stagedDone;
            _stagedDone = null;
        }
        done?.TrySetResult();
    }

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
