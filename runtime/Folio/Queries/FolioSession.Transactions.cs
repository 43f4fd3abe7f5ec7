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
    /// </summary>
    public FolioTransaction BeginTransaction()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Connection.Execute("BEGIN IMMEDIATE");
        return new FolioTransaction(this);
    }

    internal bool InTransaction => Connection.InTransaction;

    internal void RollbackIfOpen() => Connection.RollbackIfOpen();

    private T Transaction<TDb, TWork, T>(TDb db, TWork work, Func<TDb, TWork, T> run)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (InTransaction)
        {
            return run(db, work);
        }
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Connection.Execute("BEGIN IMMEDIATE");
                var result = run(db, work);
                Connection.Execute("COMMIT");
                return result;
            }
            catch (FolioException e) when (e.IsBusy && attempt < MaxTransactionAttempts && e.InnerException is not PagesMissingException)
            {
                RollbackIfOpen();
                Thread.Sleep(Backoff(attempt));
            }
            catch
            {
                RollbackIfOpen();
                throw;
            }
        }
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
    private readonly FolioSession _session;
    private bool _done;

    internal FolioTransaction(FolioSession session)
    {
        _session = session;
    }

    /// <summary>Commits. On SQLITE_BUSY the transaction is rolled back and the <see cref="FolioException"/> propagates.</summary>
    public void Commit()
    {
        ThrowIfDone();
        _done = true;
        try
        {
            _session.Connection.Execute("COMMIT");
        }
        catch
        {
            _session.RollbackIfOpen();
            throw;
        }
    }

    /// <summary>Rolls back.</summary>
    public void Rollback()
    {
        ThrowIfDone();
        _done = true;
        _session.RollbackIfOpen();
    }

    /// <summary>Rolls back unless committed.</summary>
    public void Dispose()
    {
        if (!_done)
        {
            _done = true;
            _session.RollbackIfOpen();
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
