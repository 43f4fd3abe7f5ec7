using System.Globalization;
using Folio.Interop;
using Folio.Vfs;
using SQLitePCL;

namespace Folio;

/// <summary>
/// A SQLite connection on a Folio database: the raw SQLitePCLRaw handle for code that wants it,
/// and a few helpers that turn SQLite errors into <see cref="FolioException"/>s carrying the SQL
/// and the store's own failure.
/// </summary>
public sealed class FolioConnection : IDisposable
{
    private FolioConnection(FolioDatabase database, sqlite3 handle)
    {
        Database = database;
        Handle = handle;
    }

    /// <summary>The database this connection is on.</summary>
    public FolioDatabase Database { get; }

    /// <summary>The SQLitePCLRaw handle.</summary>
    public sqlite3 Handle { get; }

    internal static FolioConnection Open(FolioDatabase database)
    {
        FolioRuntime.EnsureProvider();
        VfsErrors.Clear();
        var flags = SqliteConstants.SQLITE_OPEN_READWRITE | SqliteConstants.SQLITE_OPEN_CREATE | SqliteConstants.SQLITE_OPEN_FULLMUTEX;
        var rc = raw.sqlite3_open_v2(database.Name, out var handle, flags, database.VfsName);
        // The open reads the first page: a commit of another connection in flight can make that
        // read fail with SQLITE_BUSY (a page it fetched was overwritten). Open again, within the busy timeout.
        var deadline = Environment.TickCount64 + (long)database.Options.BusyTimeout.TotalMilliseconds;
        for (var attempt = 1; (rc & 0xff) == SqliteConstants.SQLITE_BUSY && AsyncCall.Current is null && Environment.TickCount64 < deadline; attempt++)
        {
            handle?.Dispose();
            VfsErrors.Clear();
            Thread.Sleep(Queries.FolioSession.Backoff(attempt));
            rc = raw.sqlite3_open_v2(database.Name, out handle, flags, database.VfsName);
        }
        if (rc != SqliteConstants.SQLITE_OK)
        {
            var message = handle is null ? raw.sqlite3_errstr(rc).utf8_to_string() : raw.sqlite3_errmsg(handle).utf8_to_string();
            handle?.Dispose();
            throw FolioException.Create(database.Name, rc & 0xff, rc, message, null, null, VfsErrors.TakeLastError());
        }
        var connection = new FolioConnection(database, handle);
        try
        {
            raw.sqlite3_extended_result_codes(handle, 1);
            raw.sqlite3_busy_timeout(handle, (int)database.Options.BusyTimeout.TotalMilliseconds);
            var pageCount = AsyncCall.For(database.Shared.State)?.PreparedPageCount ?? database.Store.GetHead().PageCount;
            if (pageCount == 0)
            {
                // A new database: make SQLite's page size the store's before the first page exists.
                connection.ExecuteOnOpen($"PRAGMA page_size = {database.PageSize.ToString(CultureInfo.InvariantCulture)}");
            }
            connection.ExecuteOnOpen($"PRAGMA journal_mode = {database.Options.JournalMode}");
        }
        catch
        {
            connection.Dispose();
            throw;
        }
        return connection;
    }

    /// <summary>
    /// A setting the open makes, which reads the database's first page: a read that meets another
    /// connection's commit in flight (SQLITE_BUSY: a page it had to fetch was overwritten) runs
    /// again, within the busy timeout, so opening never fails because someone else committed.
    /// </summary>
    private void ExecuteOnOpen(string sql)
    {
        var deadline = Environment.TickCount64 + (long)Database.Options.BusyTimeout.TotalMilliseconds;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Execute(sql);
                return;
            }
            catch (FolioException e) when (e.IsBusy && raw.sqlite3_get_autocommit(Handle) != 0 && AsyncCall.Current is null && Environment.TickCount64 < deadline)
            {
                Thread.Sleep(Queries.FolioSession.Backoff(attempt));
            }
        }
    }

    /// <summary>Runs every statement in <paramref name="sql"/>, binding <paramref name="args"/> to <c>?1</c>, <c>?2</c>… of each; returns the rows changed by the last.</summary>
    public int Execute(string sql, params object?[] args)
    {
        var changes = 0;
        ForEachStatement(sql, args, statement =>
        {
            int rc;
            while ((rc = raw.sqlite3_step(statement)) == SqliteConstants.SQLITE_ROW)
            {
            }
            Check(rc, sql);
            changes = raw.sqlite3_changes(Handle);
        });
        return changes;
    }

    /// <summary>Runs <paramref name="sql"/> and returns the first column of the first row of the last statement, or null.</summary>
    public object? ExecuteScalar(string sql, params object?[] args)
    {
        object? result = null;
        ForEachStatement(sql, args, statement =>
        {
            result = null;
            var rc = raw.sqlite3_step(statement);
            if (rc == SqliteConstants.SQLITE_ROW)
            {
                result = ReadValue(statement, 0);
                while ((rc = raw.sqlite3_step(statement)) == SqliteConstants.SQLITE_ROW)
                {
                }
            }
            Check(rc, sql);
        });
        return result;
    }

    /// <summary>Runs <paramref name="sql"/> and returns every row of the last statement (long, double, string, byte[] or null per value).</summary>
    public List<object?[]> Query(string sql, params object?[] args)
    {
        var rows = new List<object?[]>();
        ForEachStatement(sql, args, statement =>
        {
            rows.Clear();
            int rc;
            var columns = raw.sqlite3_column_count(statement);
            while ((rc = raw.sqlite3_step(statement)) == SqliteConstants.SQLITE_ROW)
            {
                var row = new object?[columns];
                for (var i = 0; i < columns; i++)
                {
                    row[i] = ReadValue(statement, i);
                }
                rows.Add(row);
            }
            Check(rc, sql);
        });
        return rows;
    }

    /// <summary>Throws a <see cref="FolioException"/> for a SQLite result code other than OK, ROW or DONE.</summary>
    public void Check(int rc, string? sql = null, string? method = null)
    {
        if (rc is SqliteConstants.SQLITE_OK or SqliteConstants.SQLITE_ROW or SqliteConstants.SQLITE_DONE)
        {
            return;
        }
        var message = raw.sqlite3_errmsg(Handle).utf8_to_string();
        throw FolioException.Create(Database.Name, rc & 0xff, raw.sqlite3_extended_errcode(Handle), message, sql, method, VfsErrors.TakeLastError());
    }

    /// <summary>Closes the connection.</summary>
    public void Dispose() => Handle.Dispose();

    /// <summary>Queues the calls of the asynchronous path: one at a time, each until its commit is durable.</summary>
    internal SemaphoreSlim AsyncGate { get; } = new(1, 1);

    /// <summary>
    /// The asynchronous path waits for locks by awaiting, not in SQLite's busy handler (which
    /// sleeps the thread): SQLITE_BUSY comes back at once for the path to retry.
    /// </summary>
    internal void SuspendBusyWait() => raw.sqlite3_busy_timeout(Handle, 0);

    /// <summary>Puts back the busy timeout of <see cref="FolioOptions.BusyTimeout"/> for synchronous calls.</summary>
    internal void RestoreBusyWait() => raw.sqlite3_busy_timeout(Handle, (int)Database.Options.BusyTimeout.TotalMilliseconds);

    internal bool InTransaction => raw.sqlite3_get_autocommit(Handle) == 0;

    internal void RollbackIfOpen()
    {
        if (InTransaction)
        {
            Execute("ROLLBACK");
        }
    }

    /// <summary>
    /// <see cref="Execute"/> on the asynchronous path: the store's read start, missing pages and
    /// commit are awaited outside SQLite, and the call completes once its commit is durable.
    /// Calls on one connection queue behind each other.
    /// </summary>
    public ValueTask<int> ExecuteAsync(string sql, CancellationToken cancellationToken = default) =>
        Queries.AsyncPath.RunAsync(this, (this, sql), static s => s.Item1.Execute(s.sql), cancellationToken);

    /// <summary><see cref="ExecuteScalar"/> on the asynchronous path (see <see cref="ExecuteAsync"/>).</summary>
    public ValueTask<object?> ExecuteScalarAsync(string sql, CancellationToken cancellationToken = default) =>
        Queries.AsyncPath.RunAsync(this, (this, sql), static s => s.Item1.ExecuteScalar(s.sql), cancellationToken);

    /// <summary><see cref="Query"/> on the asynchronous path (see <see cref="ExecuteAsync"/>).</summary>
    public ValueTask<List<object?[]>> QueryAsync(string sql, CancellationToken cancellationToken = default) =>
        Queries.AsyncPath.RunAsync(this, (this, sql), static s => s.Item1.Query(s.sql), cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> in a write transaction on the asynchronous path; on SQLITE_BUSY
    /// it is rolled back and run again a bounded number of times. It completes once the commit is durable.
    /// </summary>
    public Task TransactionAsync(Func<FolioConnection, CancellationToken, Task> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        return Queries.AsyncPath.TransactionAsync(this, this, async (c, ct) =>
        {
            await work(c, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    private void ForEachStatement(string sql, object?[] args, Action<sqlite3_stmt> run)
    {
        VfsErrors.Clear();
        var remaining = sql;
        while (!string.IsNullOrWhiteSpace(remaining))
        {
            var rc = raw.sqlite3_prepare_v2(Handle, remaining, out var statement, out var tail);
            Check(rc, remaining);
            using (statement)
            {
                if (statement.IsInvalid)
                {
                    break; // only comments or whitespace were left
                }
                var parameters = raw.sqlite3_bind_parameter_count(statement);
                for (var i = 0; i < Math.Min(parameters, args.Length); i++)
                {
                    Bind(statement, i + 1, args[i], remaining);
                }
                run(statement);
            }
            remaining = tail;
        }
    }

    private void Bind(sqlite3_stmt statement, int index, object? value, string sql)
    {
        var rc = value switch
        {
            null => raw.sqlite3_bind_null(statement, index),
            long l => raw.sqlite3_bind_int64(statement, index, l),
            int i => raw.sqlite3_bind_int64(statement, index, i),
            bool b => raw.sqlite3_bind_int64(statement, index, b ? 1 : 0),
            double d => raw.sqlite3_bind_double(statement, index, d),
            string s => raw.sqlite3_bind_text(statement, index, s),
            byte[] bytes => raw.sqlite3_bind_blob(statement, index, bytes),
            _ => throw new ArgumentException($"Folio database '{Database.Name}': cannot bind a {value.GetType().Name} to parameter {index} of: {sql}"),
        };
        Check(rc, sql);
    }

    private static object? ReadValue(sqlite3_stmt statement, int column) => raw.sqlite3_column_type(statement, column) switch
    {
        raw.SQLITE_INTEGER => raw.sqlite3_column_int64(statement, column),
        raw.SQLITE_FLOAT => raw.sqlite3_column_double(statement, column),
        raw.SQLITE_TEXT => raw.sqlite3_column_text(statement, column).utf8_to_string(),
        raw.SQLITE_BLOB => raw.sqlite3_column_blob(statement, column).ToArray(),
        _ => null,
    };
}
