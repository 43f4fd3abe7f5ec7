using System.Collections.Concurrent;

namespace Folio.Queries;

/// <summary>
/// The connections of a pooled database object: up to <see cref="FolioOptions.MaxConnections"/>
/// SQLite connections over one attached database (so one page cache and one lock table), opened
/// when first needed and handed to one call or transaction at a time.
/// </summary>
/// <remarks>
/// Readers run in parallel on their own connections; writers are serialised by SQLite's lock
/// protocol and Folio's version check, with the transaction's bounded busy retry. When every
/// connection is in use a call waits for one: a synchronous call blocks its thread, an
/// asynchronous one awaits.
/// </remarks>
internal sealed class SessionPool
{
    private readonly FolioDatabase _database;
    private readonly int _statementCount;
    private readonly SemaphoreSlim _slots;
    // A plain stack under a lock: pushing allocates nothing (a concurrent stack allocates a node per push).
    private readonly Stack<SessionLane> _free = new();
    private readonly Lock _freeLock = new();
    private readonly ConcurrentDictionary<SessionLane, byte> _all = new();
    private volatile bool _disposed;

    public SessionPool(FolioDatabase database, int statementCount, int maxConnections)
    {
        _database = database;
        _statementCount = statementCount;
        _slots = new SemaphoreSlim(maxConnections, maxConnections);
    }

    /// <summary>Adds the connection the object opened with as the first free one.</summary>
    public void Seed(SessionLane lane)
    {
        _all[lane] = 0;
        Push(lane);
    }

    /// <summary>Takes a free connection, opening one if none is free and the pool is not full; else waits for one.</summary>
    public SessionLane Take(CancellationToken cancellationToken)
    {
        _slots.Wait(cancellationToken);
        try
        {
            return TryPop(out var lane) ? lane : Add(_database.OpenConnection());
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    /// <summary>As <see cref="Take"/>, awaiting a free connection and the store's work of opening one.</summary>
    public async ValueTask<SessionLane> TakeAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return TryPop(out var lane) ? lane : Add(await AsyncPath.OpenConnectionAsync(_database, cancellationToken).ConfigureAwait(false));
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    /// <summary>Gives a connection back (closes it once the pool is disposed).</summary>
    public void Give(SessionLane lane)
    {
        if (_disposed)
        {
            Close(lane);
        }
        else
        {
            Push(lane);
            if (_disposed)
            {
                Dispose(); // disposed meanwhile: do not leave the connection open in the stack
            }
        }
        _slots.Release();
    }

    /// <summary>Closes the free connections now and the others as they come back.</summary>
    public void Dispose()
    {
        _disposed = true;
        while (TryPop(out var lane))
        {
            Close(lane);
        }
    }

    private void Push(SessionLane lane)
    {
        lock (_freeLock)
        {
            _free.Push(lane);
        }
    }

    private bool TryPop([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SessionLane? lane)
    {
        lock (_freeLock)
        {
            return _free.TryPop(out lane);
        }
    }

    private SessionLane Add(FolioConnection connection)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var lane = new SessionLane(connection, _statementCount, this);
        _all[lane] = 0;
        return lane;
    }

    private void Close(SessionLane lane)
    {
        if (_all.TryRemove(lane, out _))
        {
            lane.Close();
        }
    }
}
