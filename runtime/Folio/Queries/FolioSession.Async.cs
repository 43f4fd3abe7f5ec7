using System.ComponentModel;
using Folio.Storage;
using Folio.Vfs;

namespace Folio.Queries;

public sealed partial class FolioSession
{
    /// <summary>
    /// Runs a typed method's body on the asynchronous path: the call waits (asynchronously) for
    /// any call on this object still in flight, store work the body needs is awaited outside
    /// SQLite, and the call completes only once its commit, if it made one, is durable (the output
    /// gate). Meant for the code Folio's generator writes, not for applications.
    /// </summary>
    /// <param name="state">What the body needs (the database object and the method's arguments).</param>
    /// <param name="body">The method's synchronous body; it may run more than once (store pages it needed are fetched in between).</param>
    /// <param name="cancellationToken">Cancels waiting and store reads; a commit already sent completes.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public ValueTask<TResult> RunAsync<TState, TResult>(TState state, Func<TState, TResult> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        return RunKeyedAsync(state, body, body, cancellationToken);
    }

    /// <summary>As <see cref="RunAsync{TState, TResult}"/>, for a body without a result.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public async ValueTask RunAsync<TState>(TState state, Action<TState> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        await RunKeyedAsync((state, body), static s =>
        {
            s.body(s.state);
            return true;
        }, body, cancellationToken).ConfigureAwait(false);
    }

    // What each method's body did last time, so one that writes skips the read start (see WriteIntents).
    private readonly WriteIntents _intents = new();

    /// <summary>Runs <paramref name="body"/>, known by <paramref name="key"/> (the method's own body) to <see cref="_intents"/>.</summary>
    private ValueTask<TResult> RunKeyedAsync<TState, TResult>(TState state, Func<TState, TResult> body, object key, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _pool is null
            ? AsyncPath.RunAsync(_first.Connection, state, body, _intents, key, cancellationToken)
            : RunPooledAsync(state, body, key, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a write transaction on the asynchronous path and commits it;
    /// on SQLITE_BUSY it is rolled back and run again as <see cref="Transaction{TDb}(TDb, Action{TDb})"/>
    /// does, and the same happens when a page it needed had to be fetched from the store first.
    /// It completes once the commit is durable.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public async Task TransactionAsync<TDb>(TDb db, Func<TDb, CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        await TransactionAsync<TDb, bool>(db, async (d, ct) =>
        {
            await work(d, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>As <see cref="TransactionAsync{TDb}"/>, returning the work's result.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public Task<TResult> TransactionAsync<TDb, TResult>(TDb db, Func<TDb, CancellationToken, Task<TResult>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _pool is null
            ? AsyncPath.TransactionAsync(_first.Connection, db, work, cancellationToken)
            : TransactionPooledAsync(db, work, cancellationToken);
    }

    /// <summary>
    /// The asynchronous twin of <see cref="Open"/>: the same attach, connection and migrations,
    /// with the store's work awaited (the connection's own first reads included; the attach reads
    /// the store's head synchronously, which costs an owned store nothing). With <paramref name="warm"/> every page of the database is
    /// loaded into the page cache first, in as few store round trips as the store allows, so a
    /// small owned database never misses. Meant for the code Folio's generator writes.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static async ValueTask<FolioSession> OpenAsync(VfsRegistration registration, bool isRegistrationStore, IPageStore store, int pageSize,
        FolioOptions? options, bool ownsStore, Migration[] migrations, int statementCount, string className, bool warm, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(migrations);
        FolioDatabase? database = null;
        FolioConnection? connection = null;
        FolioSession? session = null;
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            // An encrypting codec's check of page 0 happens in the awaited reads below, not in the attach.
            var attach = options?.Copy() ?? new FolioOptions();
            attach.CheckKeysAtAttach = false;
            database = Attach(registration, isRegistrationStore, store, pageSize, attach, ownsStore, className);
            if (warm)
            {
                // Before the connection opens, so its own reads (the header, the schema) hit memory.
                await database.Shared.WarmAsync(cancellationToken).ConfigureAwait(false);
            }
            connection = await AsyncPath.OpenConnectionAsync(database, cancellationToken).ConfigureAwait(false);
            session = new FolioSession(database, connection, statementCount, className);
            if (migrations.Length > 0)
            {
                await session.RunAsync(session, s => s.ApplyMigrations(migrations), cancellationToken).ConfigureAwait(false);
            }
            return session;
        }
        catch
        {
            if (session is not null)
            {
                session.Dispose(); // its connection and database, and the store when owned
            }
            else
            {
                connection?.Dispose();
                Abandon(database, store, ownsStore);
            }
            throw;
        }
    }
}
