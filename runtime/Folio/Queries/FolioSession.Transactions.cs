using Folio.Vfs;
using SQLitePCL;

namespace Folio.Queries;

public sealed partial class FolioSession
{
    /// <summary>How many times <see cref="Transaction{TDb}(TDb, Action{TDb})"/> runs its work before giving up on SQLITE_BUSY.</summary>
    public const int MaxTransactionAttempts = 8;

    /// <summary>
    /// Runs <paramref name="work"/> in a write transaction (<c>BEGIN IMMEDIATE</c>) and commits it.
    /// When another connection or process got there first (SQLITE_BUSY, at the start or at the
    /// commit), the transaction is rolled back and <paramref name="work"/> runs again after a short,
    /// growing, randomised pause, up to <see cref="MaxTransactionAttempts"/> times; any other
    /// exception rolls back and propagates. Inside an open transaction it just runs the work.
    /// </summary>
    public void Transaction<TDb>(TDb db, Action<TDb> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        Transaction(db, work, static (d, w) =>
        {
            w(d);
            return 0;
        });
    }

    /// <summary>As <see cref="Transaction{TDb}(TDb, Action{TDb})"/>, returning the work's result.</summary>
    public T Transaction<TDb, T>(TDb db, Func<TDb, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return Transaction(db, work, static (d, w) => w(d));
    }

    /// <summary>
    /// Begins a write transaction (<c>BEGIN IMMEDIATE</c>) to commit or roll back by hand; disposing
    /// it without <see cref="FolioTransaction.Commit"/> rolls back. No retry: a commit that meets
    /// SQLITE_BUSY throws a <see cref="FolioException"/> with <see cref="FolioException.IsBusy"/>.
    /// On a pooled object the transaction keeps one connection until it ends, and the typed calls
    /// made on this flow (this thread, or this async method after its awaits) until then run on it.
    /// </summary>
    public FolioTransaction BeginTransaction()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_pool is null)
        {
            _first.Connection.Execute("BEGIN IMMEDIATE");
            return new FolioTransaction(_first.Connection, null);
        }
        if (Current() is { } joined)
        {
            joined.Connection.Execute("BEGIN IMMEDIATE"); // inside a call on this flow: SQLite says whether one is open already
            return new FolioTransaction(joined.Connection, null);
        }
        var lane = _pool.Take(default);
        try
        {
            lane.Connection.Execute("BEGIN IMMEDIATE");
        }
        catch
        {
            _pool.Give(lane);
            throw;
        }
        var ambient = Adopt(lane);
        return new FolioTransaction(lane.Connection, () => Release(ambient));
    }

    private T Transaction<TDb, TWork, T>(TDb db, TWork work, Func<TDb, TWork, T> run)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_pool is null)
        {
            return Transaction(_first, db, work, run);
        }
        if (Current() is { } joined)
        {
            return Transaction(joined, db, work, run);
        }
        var lane = _pool.Take(default);
        try
        {
            return Transaction(lane, db, work, run);
        }
        finally
        {
            _pool.Give(lane);
        }
    }

    /// <summary>The transaction on one connection, entered for its whole length so the typed calls of its work join it.</summary>
    private T Transaction<TDb, TWork, T>(SessionLane lane, TDb db, TWork work, Func<TDb, TWork, T> run)
    {
        lane.Enter(_className);
        try
        {
            var connection = lane.Connection;
            if (connection.InTransaction)
            {
                return run(db, work);
            }
            for (var attempt = 1; ; attempt++)
            {
                // The first attempt may begin on the newest head this process knows, with no read
                // start; its commit proves it (see AssumedStart).
                using var start = attempt == 1 ? AssumedStart.Begin(Database.Shared.State) : null;
                var committing = false;
                try
                {
                    connection.Execute("BEGIN IMMEDIATE");
                    var result = run(db, work);
                    committing = true;
                    connection.Execute("COMMIT");
                    if (start is { IsAssumed: true } && !IsCurrent(start))
                    {
                        continue; // it committed nothing, and the store moved on: what it read may be stale
                    }
                    return result;
                }
                catch (Exception e) when (start is { IsAssumed: true } && (!committing || e is FolioException { IsBusy: true }))
                {
                    // A refused commit, or any failure of the work, on the assumed head: nothing of
                    // it reaches the caller; the work runs again on a real read start, at once.
                    connection.RollbackIfOpen();
                }
                catch (FolioException e) when (e.IsBusy && attempt < MaxTransactionAttempts && e.InnerException is not PagesMissingException)
                {
                    connection.RollbackIfOpen();
                    Thread.Sleep(Backoff(attempt));
                }
                catch
                {
                    connection.RollbackIfOpen();
                    throw;
                }
            }
        }
        finally
        {
            lane.Exit();
        }
    }

    /// <summary>An assumed attempt that committed nothing stands only if the store is still at its head (one read of the head).</summary>
    private bool IsCurrent(AssumedStart start)
    {
        var head = Database.Shared.GetHead();
        return head.Lineage == start.Lineage && head.Version == start.Version;
    }

    // 2, 4, 8 … ms capped at 200 ms, each stretched by up to half again so that writers that
    // collided do not collide again in step.
    internal static TimeSpan Backoff(int attempt)
    {
        var baseMs = Math.Min(200, 1 << Math.Min(attempt, 8));
        return TimeSpan.FromMilliseconds(baseMs + Random.Shared.Next(baseMs / 2 + 1));
    }
}

/// <summary>A write transaction begun with <c>BeginTransaction()</c>: commit it, or dispose it to roll back.</summary>
public sealed class FolioTransaction : IDisposable
{
    private readonly FolioConnection _connection;
    private readonly Action? _end;
    private bool _done;

    internal FolioTransaction(FolioConnection connection, Action? end)
    {
        _connection = connection;
        _end = end;
    }

    /// <summary>Commits. On SQLITE_BUSY the transaction is rolled back and the <see cref="FolioException"/> propagates.</summary>
    public void Commit()
    {
        ThrowIfDone();
        _done = true;
        try
        {
            _connection.Execute("COMMIT");
        }
        catch
        {
            _connection.RollbackIfOpen();
            throw;
        }
        finally
        {
            _end?.Invoke();
        }
    }

    /// <summary>Rolls back.</summary>
    public void Rollback()
    {
        ThrowIfDone();
        End();
    }

    /// <summary>Rolls back unless committed.</summary>
    public void Dispose()
    {
        if (!_done)
        {
            End();
        }
    }

    private void End()
    {
        _done = true;
        try
        {
            _connection.RollbackIfOpen();
        }
        finally
        {
            _end?.Invoke();
        }
    }

    private void ThrowIfDone()
    {
        if (_done)
        {
            throw new InvalidOperationException("The transaction was already committed or rolled back.");
        }
    }
}
