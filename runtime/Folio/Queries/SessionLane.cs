namespace Folio.Queries;

/// <summary>
/// One SQLite connection of a database object with its cached prepared statements, and the guard
/// that keeps a second thread out of it while a call is inside it.
/// </summary>
/// <remarks>
/// A call is the span from <see cref="FolioSession.Rent"/> to <see cref="FolioSession.Return"/>
/// (a stream being read is a call until it ends), or a whole synchronous transaction. Calls nest on
/// the thread that is inside one; a call from another thread at that moment would interleave two
/// threads' statements on one connection, so it throws instead.
/// </remarks>
internal sealed class SessionLane
{
    // A pooled thread's lane while a call is inside it, so that a call made from inside that one
    // (a write while a stream is being read, the typed calls of a transaction) joins it instead of
    // taking a second connection that would wait on the first one's lock.
    [ThreadStatic]
    private static SessionLane? t_held;

    private int _owner; // the managed thread id inside a call, 0 when none
    private int _depth; // how deeply calls are nested on the owner; touched by the owner only

    public SessionLane(FolioConnection connection, int statementCount, SessionPool? pool)
    {
        Connection = connection;
        Statements = new FolioStatement?[statementCount];
        Pool = pool;
    }

    /// <summary>The lane's connection.</summary>
    public FolioConnection Connection { get; }

    /// <summary>The statements prepared on <see cref="Connection"/>, one slot per typed method.</summary>
    public FolioStatement?[] Statements { get; }

    /// <summary>The pool the lane belongs to; null for a single-connection object's only lane.</summary>
    public SessionPool? Pool { get; }

    /// <summary>Give the lane back to its pool when the outermost call on it returns (it was taken for that call).</summary>
    public bool ReturnWhenIdle { get; set; }

    /// <summary>The lane of <paramref name="pool"/> the current thread is inside a call on, if any.</summary>
    public static SessionLane? HeldBy(SessionPool pool) =>
        t_held is { } lane && lane.Pool == pool && lane._owner == Environment.CurrentManagedThreadId ? lane : null;

    /// <summary>Enters a call on the current thread, or throws when another thread is inside one.</summary>
    /// <param name="className">The database class, for the message.</param>
    public void Enter(string className)
    {
        var me = Environment.CurrentManagedThreadId;
        if (_owner == me)
        {
            _depth++;
            return;
        }
        var owner = Interlocked.CompareExchange(ref _owner, me, 0);
        if (owner != 0)
        {
            throw Pool is null
                ? new InvalidOperationException(
                    $"{className}: called on thread {me} while thread {owner} is inside a call on the same object (a stream being read counts until it ends). " +
                    $"A {className} object is one SQLite connection for one thread at a time: give each thread its own, await its async methods one after another, " +
                    $"or open it with FolioOptions.MaxConnections above 1 for a pooled object that every thread can share.")
                : new InvalidOperationException(
                    $"{className}: a transaction's connection was used on thread {me} while thread {owner} is inside a call on it; " +
                    "the work of one transaction must run one step at a time, not on parallel tasks.");
        }
        _depth = 1;
        if (Pool is not null)
        {
            t_held = this;
        }
    }

    /// <summary>Leaves a call; true when it was the outermost one (the lane is free for any thread again).</summary>
    public bool Exit()
    {
        if (--_depth > 0)
        {
            return false;
        }
        if (t_held == this)
        {
            t_held = null;
        }
        Volatile.Write(ref _owner, 0);
        return true;
    }

    /// <summary>Finalizes the cached statements not in use and closes the connection.</summary>
    public void Close()
    {
        foreach (var statement in Statements)
        {
            if (statement is not null && !statement.InUse)
            {
                statement.Close();
            }
        }
        Connection.Dispose();
    }
}
