namespace Folio.Queries;

public sealed partial class FolioSession
{
    // The pooled connection an async call, an async transaction or a BeginTransaction holds for
    // the flow that made it, so the typed calls of that flow (after awaits, on other threads) join it.
    private readonly AsyncLocal<AmbientLane?> _ambient = new();

    /// <summary>
    /// The pooled connection the current flow is using: the one the current thread is inside a call
    /// on, else the one an async call or a transaction of this flow holds; null when none.
    /// </summary>
    private SessionLane? Current() =>
        SessionLane.HeldBy(_pool!) ?? (_ambient.Value is { Active: true } ambient ? ambient.Lane : null);

    private InvalidOperationException NoConnection() => new(
        $"{_className} is pooled: it has many connections, and this flow is in no call or transaction holding one. " +
        $"Use Connection inside Transaction(...) or BeginTransaction(), or open other clients with {nameof(Database)}.{nameof(FolioDatabase.ConnectionString)}.");

    /// <summary>Makes <paramref name="lane"/> the current flow's connection until <see cref="Release"/>.</summary>
    private AmbientLane Adopt(SessionLane lane)
    {
        var ambient = new AmbientLane(lane);
        _ambient.Value = ambient;
        return ambient;
    }

    /// <summary>Ends a connection the flow held and gives it back to the pool.</summary>
    private void Release(AmbientLane ambient)
    {
        if (!ambient.Active)
        {
            return;
        }
        // A copy of this flow's context captured meanwhile (a task started inside the transaction)
        // still sees the object, but no longer as active: it takes a connection of its own.
        ambient.Active = false;
        if (_ambient.Value == ambient)
        {
            _ambient.Value = null;
        }
        _pool!.Give(ambient.Lane);
    }

    /// <summary>An async typed call on a pooled object: a connection of its own for the call, unless the flow holds one.</summary>
    private async ValueTask<TResult> RunPooledAsync<TState, TResult>(TState state, Func<TState, TResult> body, object key, CancellationToken cancellationToken) =>
        await OnPooledConnectionAsync((state, body, intents: _intents, key, cancellationToken),
            static (connection, s) => AsyncPath.RunAsync(connection, s.state, s.body, s.intents, s.key, s.cancellationToken), cancellationToken).ConfigureAwait(false);

    /// <summary>An async transaction on a pooled object: one connection for the whole transaction.</summary>
    private Task<TResult> TransactionPooledAsync<TDb, TResult>(TDb db, Func<TDb, CancellationToken, Task<TResult>> work, CancellationToken cancellationToken) =>
        OnPooledConnectionAsync((db, work, cancellationToken),
            static async (connection, s) => await AsyncPath.TransactionAsync(connection, s.db, s.work, s.cancellationToken).ConfigureAwait(false), cancellationToken);

    /// <summary>
    /// Runs <paramref name="run"/> on the connection the flow holds, or on one taken from the pool
    /// and held by the flow (so the typed calls inside join it) until <paramref name="run"/> ends.
    /// </summary>
    private async Task<TResult> OnPooledConnectionAsync<TState, TResult>(TState state, Func<FolioConnection, TState, ValueTask<TResult>> run, CancellationToken cancellationToken)
    {
        if (Current() is { } joined)
        {
            return await run(joined.Connection, state).ConfigureAwait(false);
        }
        var ambient = Adopt(await _pool!.TakeAsync(cancellationToken).ConfigureAwait(false));
        try
        {
            return await run(ambient.Lane.Connection, state).ConfigureAwait(false);
        }
        finally
        {
            Release(ambient);
        }
    }

    private sealed class AmbientLane(SessionLane lane)
    {
        public SessionLane Lane { get; } = lane;

        public bool Active { get; set; } = true;
    }
}
