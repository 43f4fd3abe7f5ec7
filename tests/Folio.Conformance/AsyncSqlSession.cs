using SQLitePCL;

namespace Folio.Conformance;

/// <summary>
/// An <see cref="ISqlSession"/> whose every statement runs on Folio's asynchronous path
/// (<see cref="FolioConnection.ExecuteAsync"/>, <see cref="FolioConnection.QueryAsync"/>): the
/// store's read start, missing pages and commit are awaited outside SQLite. The runner is
/// synchronous, so each call is waited for here, outside SQLite and the VFS.
/// </summary>
/// <remarks>
/// Values are rendered exactly as <see cref="SqliteSession"/> renders them: each value the async
/// query returned (its storage class kept: integer, real, text, blob or NULL) is bound to
/// <c>SELECT ?1</c> on a private in-memory connection and read back with the same
/// <c>sqlite3_column_*</c> calls, so SQLite itself does every conversion a type letter asks for.
/// </remarks>
public sealed class AsyncSqlSession : ISqlSession
{
    private readonly FolioConnection _connection;
    private readonly IDisposable _owner;
    private readonly sqlite3 _render;
    private readonly sqlite3_stmt _value;

    /// <summary>Runs on <paramref name="connection"/>; disposing the session disposes <paramref name="owner"/>.</summary>
    public AsyncSqlSession(FolioConnection connection, IDisposable owner)
    {
        _connection = connection;
        _owner = owner;
        Check(raw.sqlite3_open(":memory:", out _render));
        Check(raw.sqlite3_prepare_v2(_render, "SELECT ?1", out _value));
    }

    /// <inheritdoc />
    public SqlError? Execute(string sql)
    {
        try
        {
            _connection.ExecuteAsync(sql).AsTask().GetAwaiter().GetResult();
            return null;
        }
        catch (Exception e)
        {
            return Describe(e);
        }
    }

    /// <inheritdoc />
    public SqlError? Query(string sql, string types, List<string> values)
    {
        // Prepared (not run) first, as the reference does: an error of the SQL is reported as such,
        // and the column count is known even when no row comes back. The schema is already loaded.
        var rc = raw.sqlite3_prepare_v2(_connection.Handle, sql, out var statement, out _);
        using (statement)
        {
            if (rc != raw.SQLITE_OK)
            {
                var code = raw.sqlite3_extended_errcode(_connection.Handle);
                return new SqlError(code, $"{raw.sqlite3_errmsg(_connection.Handle).utf8_to_string()} (SQLite result {code}: {raw.sqlite3_errstr(code).utf8_to_string()})");
            }
            var columns = statement.IsInvalid ? 0 : raw.sqlite3_column_count(statement);
            if (columns != types.Length)
            {
                return new SqlError(0, $"wrong number of result columns: expected {types.Length} but got {columns}");
            }
        }
        List<object?[]> rows;
        try
        {
            rows = _connection.QueryAsync(sql).AsTask().GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            // As SqliteSession: an error of the SQL while stepping keeps the rows read so far (the
            // async call hands back none), any other error fails the query.
            var error = Describe(e);
            return error.IsSqlLevel ? null : error;
        }
        foreach (var row in rows)
        {
            for (var i = 0; i < types.Length; i++)
            {
                values.Add(Render(row[i], types[i]));
            }
        }
        return null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _value.Dispose();
        _render.Dispose();
        _owner.Dispose();
    }

    private string Render(object? value, char type)
    {
        raw.sqlite3_reset(_value);
        Check(value switch
        {
            null => raw.sqlite3_bind_null(_value, 1),
            long l => raw.sqlite3_bind_int64(_value, 1, l),
            double d => raw.sqlite3_bind_double(_value, 1, d),
            string s => raw.sqlite3_bind_text(_value, 1, s),
            byte[] b => raw.sqlite3_bind_blob(_value, 1, b),
            _ => throw new ArgumentException($"unexpected value type {value.GetType().Name}", nameof(value)),
        });
        if (raw.sqlite3_step(_value) != raw.SQLITE_ROW)
        {
            throw new InvalidOperationException("SELECT ?1 returned no row: " + raw.sqlite3_errmsg(_render).utf8_to_string());
        }
        return SqliteSession.Render(_value, 0, type);
    }

    /// <summary>A Folio error with its SQLite code; anything else (a store failure that reached the call unwrapped) is no error of the SQL.</summary>
    private static SqlError Describe(Exception e) => e is FolioException folio ? new(folio.ExtendedCode, folio.Message) : new(0, $"{e.GetType().Name}: {e.Message}");

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw new InvalidOperationException($"the rendering connection failed: {(_render is null ? raw.sqlite3_errstr(rc).utf8_to_string() : raw.sqlite3_errmsg(_render).utf8_to_string())}");
        }
    }
}
