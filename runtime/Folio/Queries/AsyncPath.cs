using Folio.Vfs;

namespace Folio.Queries;

/// <summary>
/// The asynchronous path of a database object: how an async typed method or transaction runs
/// SQLite (which calls the VFS synchronously) without any thread waiting on the store.
/// </summary>
/// <remarks>
/// <para>SQLite never waits inside the VFS on this path. Store work happens around it:</para>
/// <list type="number">
/// <item><b>Begin-read before.</b> The read start (the one round trip of a shared-mode read; none
/// when owned) is awaited first, and the VFS's xLock takes the prepared reader.</item>
/// <item><b>Missing pages after.</b> A page neither in the page cache nor fetched by this call
/// fails the VFS read with a marked error (<see cref="AsyncCall"/>); SQLite abandons the
/// statement, the call awaits one batched read of it and the pages after it, and runs the body
/// again (a whole transaction body, when inside one). The call's reader stays pinned, so the
/// fetched pages stay valid for the re-run.</item>
/// <item><b>The commit after: the output gate.</b> At SQLite's commit point the batch is staged,
/// not sent. SQLite finishes the statement believing it committed; then the call awaits the
/// store's asynchronous commit and completes only when it is durable. If the store refuses, the
/// process goes back to the last durable version (Folio's cache never took the batch, and SQLite
/// is made to drop its own cache) and the call throws.</item>
/// <item><b>One call at a time.</b> Calls on one database object queue (asynchronously) behind
/// the one in flight, its commit included.</item>
/// </list>
/// </remarks>
internal static class AsyncPath
{
    /// <summary>How many times one call fetches missing pages and runs its body again before giving up.</summary>
    public const int MaxFetchRounds = 256;

    public static ValueTask<TResult> RunAsync<TState, TResult>(FolioConnection connection, TState state, Func<TState, TResult> body, CancellationToken cancellationToken) =>
        RunAsync(connection, state, body, null, null, cancellationToken);

    /// <summary>
    /// As <see cref="RunAsync{TState, TResult}(FolioConnection, TState, Func{TState, TResult}, CancellationToken)"/>;
    /// <paramref name="intents"/> says whether <paramref name="key"/>'s body wrote the last time it
    /// ran, and learns what it does this time: a body that writes skips the read start on its first attempt.
    /// </summary>
    public static async ValueTask<TResult> RunAsync<TState, TResult>(FolioConnection connection, TState state, Func<TState, TResult> body,
        WriteIntents? intents, object? key, CancellationToken cancellationToken)
    {
        if (AsyncCall.Current is { } outer && outer.Session == connection)
        {
            return body(state); // inside this connection's TransactionAsync: the transaction fetches and commits
        }
        await connection.AsyncGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        using var call = new AsyncCall(connection, connection.Database.Shared);
        // Inside a transaction an earlier call began (BEGIN by one ExecuteAsync, COMMIT by a
        // later one): its view is pinned already, and a statement that misses a page must not
        // roll it back; it runs again once the page is fetched.
        var inTransaction = connection.InTransaction;
        try
        {
            AsyncCall.Current = call;
            if (!inTransaction)
            {
                connection.SuspendBusyWait(); // a transaction another call began keeps its busy wait: it holds locks
                if (intents is not null && intents.Writes(key!))
                {
                    call.WritesByIntent();
                }
            }
            var busy = 0;
            for (var round = 1; ; round++)
            {
                await call.PrepareAsync(cancellationToken).ConfigureAwait(false);
                TResult result;
                try
                {
                    result = body(state);
                }
                catch (FolioException e) when (e.IsBusy && !inTransaction && call.TakeWriterTurnRequest() && round < MaxFetchRounds)
                {
                    // Other writers of this process are ahead: queue, then run again on a fresh read.
                    connection.RollbackIfOpen();
                    call.StartOver();
                    await call.WaitForWriterTurnAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }
                catch (FolioException e) when (e.IsBusy && !inTransaction && call.TakeFreshReadRequest() && round < MaxFetchRounds)
                {
                    // Its write would have begun on a version already replaced: start over at once.
                    connection.RollbackIfOpen();
                    call.StartOver();
                    continue;
                }
                catch (FolioException e) when (e.IsBusy && !inTransaction && !call.HasMissingPages && round < MaxFetchRounds)
                {
                    // Another connection holds the lock it needs: the statement ran in its own
                    // transaction, which SQLite ended. Await that writer (in this process), or back
                    // off a bounded number of times, and run it again on a fresh read start.
                    connection.RollbackIfOpen();
                    call.StartOver();
                    if (!await WaitOutBusyAsync(connection, busy, cancellationToken).ConfigureAwait(false) && ++busy >= FolioSession.MaxTransactionAttempts)
                    {
                        throw;
                    }
                    continue;
                }
                catch (Exception) when (call.HasMissingPages && round < MaxFetchRounds)
                {
                    if (!inTransaction)
                    {
                        connection.RollbackIfOpen();
                    }
                    else if (!connection.InTransaction)
                    {
                        throw new FolioException(connection.Database.Name, Interop.SqliteConstants.SQLITE_ABORT, Interop.SqliteConstants.SQLITE_ABORT,
                            "SQLite rolled the open transaction back when a statement in it had to wait for a page; run the transaction again (TransactionAsync does)", null, null, null);
                    }
                    await call.FetchMissingAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }
                catch (Exception e) when (call.IsAssumed && e is not OperationCanceledException)
                {
                    // Whatever failed an attempt on the assumed head may come from a store that
                    // moved on (a constraint the newer rows would not break): run it on a real read start.
                    AbandonAssumed(connection, call);
                    continue;
                }
                if (call.IsAssumed && connection.InTransaction)
                {
                    AbandonAssumed(connection, call); // it left a transaction open on an assumed head: nothing proves it
                    continue;
                }
                if (call.HasMissingPages && round < MaxFetchRounds)
                {
                    // SQLite absorbed a failed read (integrity_check reports it as a row): the
                    // result is incomplete. Nothing of it is kept; fetch and run again.
                    call.DiscardStaged();
                    await call.FetchMissingAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }
                var assumed = call.IsAssumed;
                try
                {
                    await call.CompleteAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (FolioException e) when (e.IsBusy && !inTransaction && ++busy < FolioSession.MaxTransactionAttempts)
                {
                    // The store refused the commit (another writer got there first) and the
                    // process went back to its last durable version: nothing of this statement
                    // was applied, so it runs again, as a transaction would. An assumed head
                    // that was not current any more runs again at once, on a real read start.
                    connection.RollbackIfOpen();
                    call.StartOver();
                    if (!assumed)
                    {
                        await Task.Delay(FolioSession.Backoff(busy), cancellationToken).ConfigureAwait(false);
                    }
                    continue;
                }
                if (call.IsAssumed && !await call.ConfirmAssumedAsync(cancellationToken).ConfigureAwait(false))
                {
                    continue; // it committed nothing, and the store moved on: its result may be stale
                }
                intents?.Learn(key!, call.RanWriteStatement);
                return result;
            }
        }
        finally
        {
            AsyncCall.Current = null;
            if (!inTransaction)
            {
                connection.RestoreBusyWait();
            }
            connection.AsyncGate.Release();
        }
    }

    /// <summary>Drops an attempt made on an assumed head (see <see cref="AsyncCall.IsAssumed"/>): rolled back, nothing staged kept, the next attempt on a real read start.</summary>
    private static void AbandonAssumed(FolioConnection connection, AsyncCall call)
    {
        connection.RollbackIfOpen();
        call.DiscardStaged();
        call.StartOver();
    }

    /// <summary>
    /// After SQLITE_BUSY: while another connection of this process writes, awaits its leaving and
    /// says true (no attempt is spent: it is a queue, not a conflict); else backs off for attempt
    /// <paramref name="attempts"/> + 1 and says false, so the caller counts it.
    /// </summary>
    private static async ValueTask<bool> WaitOutBusyAsync(FolioConnection connection, int attempts, CancellationToken cancellationToken)
    {
        var locks = connection.Database.Shared.Locks;
        if (locks.HasWriter)
        {
            await locks.WhenWriterLeaves().WaitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        if (attempts + 1 < FolioSession.MaxTransactionAttempts)
        {
            await Task.Delay(FolioSession.Backoff(attempts + 1), cancellationToken).ConfigureAwait(false);
        }
        return false;
    }

    /// <summary>
    /// Opens a SQLite connection on the asynchronous path: SQLite reads the header and runs the
    /// connection's pragmas through a read start awaited before, and pages it misses are fetched
    /// before it opens again.
    /// </summary>
    public static async ValueTask<FolioConnection> OpenConnectionAsync(FolioDatabase database, CancellationToken cancellationToken)
    {
        using var call = new AsyncCall(database, database.Shared);
        AsyncCall.Current = call;
        try
        {
            for (var round = 1; ; round++)
            {
                await call.PrepareAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    return database.OpenConnection();
                }
                catch (Exception) when (call.HasMissingPages && round < MaxFetchRounds)
                {
                    await call.FetchMissingAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            AsyncCall.Current = null;
        }
    }

    public static async Task<TResult> TransactionAsync<TDb, TResult>(FolioConnection connection, TDb db, Func<TDb, CancellationToken, Task<TResult>> work, CancellationToken cancellationToken)
    {
        if (AsyncCall.Current is { } outer && outer.Session == connection)
        {
            return await work(db, cancellationToken).ConfigureAwait(false); // already inside one
        }
        await connection.AsyncGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        using var call = new AsyncCall(connection, connection.Database.Shared);
        try
        {
            AsyncCall.Current = call;
            connection.SuspendBusyWait();
            call.WritesByIntent(); // a write transaction: its first attempt may skip the read start
            var busy = 0;
            for (var round = 1; ; round++)
            {
                await call.PrepareAsync(cancellationToken).ConfigureAwait(false);
                var committing = false;
                try
                {
                    connection.Execute("BEGIN IMMEDIATE");
                    var result = await work(db, cancellationToken).ConfigureAwait(false);
                    connection.Execute("COMMIT");
                    if (call.HasMissingPages && round < MaxFetchRounds)
                    {
                        call.DiscardStaged(); // a read SQLite absorbed: run the whole body again
                        await call.FetchMissingAsync(cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                    committing = true;
                    await call.CompleteAsync(cancellationToken).ConfigureAwait(false);
                    if (call.IsAssumed && !await call.ConfirmAssumedAsync(cancellationToken).ConfigureAwait(false))
                    {
                        continue; // it committed nothing, and the store moved on: what it read may be stale
                    }
                    return result;
                }
                catch (Exception) when (call.HasMissingPages && round < MaxFetchRounds)
                {
                    connection.RollbackIfOpen();
                    await call.FetchMissingAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (FolioException e) when (e.IsBusy && call.TakeWriterTurnRequest() && round < MaxFetchRounds)
                {
                    connection.RollbackIfOpen();
                    call.StartOver();
                    await call.WaitForWriterTurnAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (FolioException e) when (e.IsBusy && call.TakeFreshReadRequest() && round < MaxFetchRounds)
                {
                    connection.RollbackIfOpen();
                    call.StartOver(); // it would have written on a version already replaced: start over at once
                }
                catch (Exception e) when (call.IsAssumed && e is not OperationCanceledException && (!committing || e is FolioException { IsBusy: true })
                    && busy + 1 < FolioSession.MaxTransactionAttempts)
                {
                    // A refused commit, or any failure of the work, on the assumed head: nothing
                    // of it reaches the caller; the work runs again on a real read start. A
                    // refusal counts as an attempt, without the pause (the store simply moved on).
                    // A commit that failed otherwise (the store unreachable) fails the call as it is.
                    if (e is FolioException { IsBusy: true })
                    {
                        busy++;
                    }
                    AbandonAssumed(connection, call);
                }
                catch (FolioException e) when (e.IsBusy && busy + 1 < FolioSession.MaxTransactionAttempts)
                {
                    connection.RollbackIfOpen();
                    call.StartOver(); // a fresh read start: another writer moved the store on
                    if (!await WaitOutBusyAsync(connection, busy, cancellationToken).ConfigureAwait(false))
                    {
                        busy++;
                    }
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
            AsyncCall.Current = null;
            connection.RestoreBusyWait();
            connection.AsyncGate.Release();
        }
    }
}
