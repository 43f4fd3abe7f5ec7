using Folio.Diagnostics;
using Folio.Storage;
using Folio.Vfs;

namespace Folio.Queries;

/// <summary>
/// The state behind one instance of a generated database class: the attached
/// <see cref="FolioDatabase"/>, its connection (or, when pooled, its connections), and one cached
/// prepared statement per typed method and connection. Generated code holds one and forwards to it.
/// Meant for the code Folio's generator writes, not for applications.
/// </summary>
/// <remarks>
/// <para>With <see cref="FolioOptions.MaxConnections"/> at 1 (the default) the object is one SQLite
/// connection: its async calls queue one behind another, and a sync call from a second thread while
/// one is inside a call throws an <see cref="InvalidOperationException"/> naming the class, instead
/// of interleaving two threads' statements.</para>
/// <para>Above 1 the object is pooled and thread-safe: each call or transaction takes a connection
/// of its own (see <see cref="SessionPool"/>), and calls made inside a transaction or while a stream
/// is being read join that call's connection.</para>
/// </remarks>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public sealed partial class FolioSession : IDisposable
{
    private readonly SessionLane _first;
    private readonly SessionPool? _pool;
    private readonly string _className;
    private bool _disposed;

    private FolioSession(FolioDatabase database, FolioConnection connection, int statementCount, string className)
    {
        Database = database;
        _className = className;
        var max = database.Options.MaxConnections;
        if (max > 1)
        {
            _pool = new SessionPool(database, statementCount, max);
        }
        // The connection the migrations run on; a pooled object's first connection, too.
        _first = new SessionLane(connection, statementCount, _pool);
        _pool?.Seed(_first);
    }

    /// <summary>The attached database.</summary>
    public FolioDatabase Database { get; }

    /// <summary>True when the object is pooled (thread-safe, several connections).</summary>
    public bool IsPooled => _pool is not null;

    /// <summary>
    /// The session's SQLite connection. A pooled object has one only inside a transaction or a
    /// call in progress on the current thread; elsewhere this throws.
    /// </summary>
    public FolioConnection Connection => _pool is null ? _first.Connection : (Current() ?? throw NoConnection()).Connection;

    /// <summary>What the store did for this database in this process.</summary>
    public FolioStatistics Statistics => Database.Statistics;

    /// <summary>
    /// Attaches <paramref name="store"/>, opens a connection and applies <paramref name="migrations"/>.
    /// A store of the VFS's own type goes through <paramref name="registration"/>; any other store
    /// through the runtime's general VFS, after the same page-size check.
    /// Meant for the code Folio's generator writes, not for applications.
    /// </summary>
    /// <param name="registration">The generated class's VFS.</param>
    /// <param name="isRegistrationStore">True when <paramref name="store"/> is of the type <paramref name="registration"/> was specialised for.</param>
    /// <param name="store">The store.</param>
    /// <param name="pageSize">The class's page size.</param>
    /// <param name="options">Attach options, or null for the defaults.</param>
    /// <param name="ownsStore">Dispose the store with the database (also when opening fails).</param>
    /// <param name="migrations">The class's migrations in any order.</param>
    /// <param name="statementCount">How many typed methods the class has.</param>
    /// <param name="className">The class's name, for error messages.</param>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public static FolioSession Open(VfsRegistration registration, bool isRegistrationStore, IPageStore store, int pageSize,
        FolioOptions? options, bool ownsStore, ReadOnlySpan<Migration> migrations, int statementCount, string className)
    {
        FolioDatabase? database = null;
        FolioConnection? connection = null;
        try
        {
            database = Attach(registration, isRegistrationStore, store, pageSize, options, ownsStore, className);
            connection = database.OpenConnection();
            var session = new FolioSession(database, connection, statementCount, className);
            session.ApplyMigrations(migrations);
            return session;
        }
        catch
        {
            connection?.Dispose();
            Abandon(database, store, ownsStore);
            throw;
        }
    }

    /// <summary>The checks every open makes, then the attach: a store of the VFS's own type through it, any other through the general VFS.</summary>
    private static FolioDatabase Attach(VfsRegistration registration, bool isRegistrationStore, IPageStore store, int pageSize,
        FolioOptions? options, bool ownsStore, string className)
    {
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentNullException.ThrowIfNull(store);
        if (registration.PageSize != 0 && registration.PageSize != pageSize)
        {
            // VfsRegistration.Register returns the first registration of a name: another class
            // (or assembly) registered this VFS name before this one.
            throw new InvalidOperationException(
                $"{className}: VFS '{registration.Name}' was registered by another database class with page size {registration.PageSize}, not {pageSize}; give [PagedDatabase(Name = ...)] a name of its own.");
        }
        if (store.PageSize != pageSize)
        {
            throw new PageSizeMismatchException(options?.Name ?? store.Name, store.PageSize, pageSize);
        }
        var vfs = isRegistrationStore ? registration : GeneralVfs.Registration;
        // Opening the same database twice (TodoDb.Open(path) from two places) attaches each
        // store under a name of its own; both share the database's locks and page cache.
        return FolioDatabase.Open(vfs, store, options, ownsStore);
    }

    /// <summary>A failed open: the database is detached (its store disposed when owned), or an owned store that never got attached is disposed.</summary>
    private static void Abandon(FolioDatabase? database, IPageStore store, bool ownsStore)
    {
        if (database is not null)
        {
            database.Dispose();
        }
        else if (ownsStore)
        {
            store.Dispose();
        }
    }

    /// <summary>
    /// Takes the cached statement of method <paramref name="index"/>, preparing it on first use. A
    /// statement already in use (a method called again while its stream is being read) gets a
    /// fresh one for the call. Give it back with <see cref="Return"/>.
    /// Meant for the code Folio's generator writes, not for applications.
    /// </summary>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public FolioStatement Rent(int index, StatementShape shape, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var lane = _first;
        if (_pool is not null)
        {
            var joined = Current();
            if (joined is null)
            {
                lane = _pool.Take(cancellationToken);
                lane.ReturnWhenIdle = true; // taken for this call: it goes back when the call ends
            }
            else
            {
                lane = joined; // inside a call or transaction on this flow: join its connection
            }
        }
        FolioStatement statement;
        try
        {
            lane.Enter(_className);
        }
        catch
        {
            GiveBackIfTaken(lane);
            throw;
        }
        try
        {
            statement = lane.Statements[index] ??= FolioStatement.Prepare(lane.Connection, shape, cached: true);
            if (statement.InUse)
            {
                statement = FolioStatement.Prepare(lane.Connection, shape, cached: false);
            }
            statement.Lane = lane;
            statement.InUse = true;
            Vfs.AsyncCall.Current?.OnStatement(statement.IsReadOnly);
        }
        catch
        {
            Leave(lane);
            throw;
        }
        try
        {
            statement.Arm(cancellationToken);
        }
        catch
        {
            Return(statement);
            throw;
        }
        return statement;
    }

    /// <summary>Ends a call: resets the statement for the next one (or finalizes a one-off).</summary>
    /// <remarks>Meant for the code Folio's generator writes, not for applications.</remarks>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public void Return(FolioStatement statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        statement.Release();
        statement.InUse = false;
        if (!statement.IsCached || _disposed)
        {
            statement.Close();
        }
        if (statement.Lane is { } lane)
        {
            statement.Lane = null;
            Leave(lane);
        }
    }

    /// <summary>Finalizes the cached statements, closes the connections and detaches the database.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (_pool is null)
        {
            _first.Close();
        }
        else
        {
            _pool.Dispose();
        }
        Database.Dispose();
    }

    /// <summary>Leaves a call on <paramref name="lane"/>; a pooled connection taken for it goes back when it was the outermost one.</summary>
    private void Leave(SessionLane lane)
    {
        if (lane.Exit())
        {
            GiveBackIfTaken(lane);
        }
    }

    private void GiveBackIfTaken(SessionLane lane)
    {
        if (lane.ReturnWhenIdle)
        {
            lane.ReturnWhenIdle = false;
            _pool!.Give(lane);
        }
    }

    private void ApplyMigrations(ReadOnlySpan<Migration> migrations)
    {
        if (migrations.IsEmpty)
        {
            return;
        }
        var ordered = migrations.ToArray();
        Array.Sort(ordered, static (a, b) => a.Version.CompareTo(b.Version));
        var latest = ordered[^1].Version;
        var found = UserVersion();
        if (found == latest)
        {
            return; // the common case: nothing to do, no write lock taken
        }
        if (Database.IsPastVersion)
        {
            throw new InvalidOperationException(
                $"{_className}: '{Database.Name}' is a read-only past version at schema version {found}, and this class's migrations reach {latest}; its typed methods may not match that schema, and a view cannot be migrated. Read it with FolioDatabase.OpenAt and plain SQL instead.");
        }
        Transaction(this, session =>
        {
            // Read again inside the write transaction: another connection may have migrated meanwhile.
            var current = session.UserVersion();
            if (current > latest)
            {
                throw new InvalidOperationException(
                    $"{_className}: database '{Database.Name}' is at schema version {current}, newer than this code's latest migration {latest}.");
            }
            foreach (var migration in ordered)
            {
                if (migration.Version <= current)
                {
                    continue;
                }
                try
                {
                    _first.Connection.Execute(migration.Sql);
                }
                catch (FolioException e)
                {
                    throw FolioException.Create(e.Database, e.SqliteCode, e.ExtendedCode, e.SqliteMessage, e.Sql,
                        $"{_className} migration {migration.Version}", e.WithStatement(null, null) is null ? e.InnerException : e);
                }
            }
            _first.Connection.Execute($"PRAGMA user_version = {latest}");
        });
    }

    // Migrations run while the object opens, before any other thread can see it: on its first connection.
    private long UserVersion() => (long)(_first.Connection.ExecuteScalar("PRAGMA user_version") ?? 0L);
}
