using SQLitePCL;

namespace Folio.Conformance;

/// <summary>What the runner needs from a database engine: run a statement, run a query.</summary>
public interface ISqlSession : IDisposable
{
    /// <summary>Runs every SQL statement in <paramref name="sql"/>; returns null on success, else the error.</summary>
    string? Execute(string sql);

    /// <summary>
    /// Runs the first statement of <paramref name="sql"/> and appends its values, row by row and
    /// rendered per <paramref name="types"/>, to <paramref name="values"/>; returns null on
    /// success, else the error.
    /// </summary>
    string? Query(string sql, string types, List<string> values);
}

/// <summary>
/// An <see cref="ISqlSession"/> on one SQLitePCLRaw connection, whatever VFS it was opened on: it
/// does what the reference runner's SQLite engine (slt_sqlite.c) does, with the same C API calls.
/// </summary>
public sealed class SqliteSession : ISqlSession
{
    private readonly sqlite3 _db;
    private readonly IDisposable? _owner;

    /// <summary>Wraps <paramref name="db"/>; disposing the session disposes <paramref name="owner"/> (or the handle when there is none).</summary>
    public SqliteSession(sqlite3 db, IDisposable? owner)
    {
        _db = db;
        _owner = owner;
    }

    /// <inheritdoc />
    public string? Execute(string sql)
    {
        // sqlite3_exec, as the reference runner: every statement in the text, stopping at the first error.
        var rc = raw.sqlite3_exec(_db, sql, out var message);
        return rc == raw.SQLITE_OK ? null : Describe(rc, message);
    }

    /// <inheritdoc />
    public string? Query(string sql, string types, List<string> values)
    {
        var rc = raw.sqlite3_prepare_v2(_db, sql, out var statement);
        using (statement)
        {
            if (rc != raw.SQLITE_OK)
            {
                return Describe(rc, null);
            }
            var columns = statement.IsInvalid ? 0 : raw.sqlite3_column_count(statement);
            if (columns != types.Length)
            {
                return $"wrong number of result columns: expected {types.Length} but got {columns}";
            }
            while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
            {
                for (var i = 0; i < columns; i++)
                {
                    values.Add(Render(statement, i, types[i]));
                }
            }
            // The reference runner stops reading at an error and judges the rows it had (scripts
            // rely on it: sum() overflowing expects no rows). That holds here for errors of the SQL
            // itself; any other error (I/O, corruption, locking, memory…) fails the query, so a
            // store fault cannot pass as a short result.
            if (rc != raw.SQLITE_DONE && !IsSqlLevelError(rc))
            {
                return Describe(rc, null);
            }
        }
        return null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_owner is null)
        {
            _db.Dispose();
        }
        else
        {
            _owner.Dispose();
        }
    }

    private static string Render(sqlite3_stmt statement, int column, char type)
    {
        if (raw.sqlite3_column_type(statement, column) == raw.SQLITE_NULL)
        {
            return ResultFormat.Null;
        }
        switch (type)
        {
            case 'I':
                return ResultFormat.FormatInteger(raw.sqlite3_column_int(statement, column));
            case 'R':
                return ResultFormat.FormatReal(raw.sqlite3_column_double(statement, column));
            case 'T':
                // sqlite3_column_text converts the value to text in place; sqlite3_column_blob
                // then hands back those same bytes without converting again.
                raw.sqlite3_column_text(statement, column);
                return ResultFormat.FormatText(raw.sqlite3_column_blob(statement, column));
            default:
                throw new ArgumentException($"unknown type character '{type}'", nameof(type));
        }
    }

    /// <summary>Errors a statement raises by what it computes, not by how the database is stored.</summary>
    internal static bool IsSqlLevelError(int rc) => (rc & 0xff) is raw.SQLITE_ERROR or raw.SQLITE_CONSTRAINT
        or raw.SQLITE_MISMATCH or raw.SQLITE_TOOBIG or raw.SQLITE_RANGE;

    private string Describe(int rc, string? message)
    {
        message ??= raw.sqlite3_errmsg(_db).utf8_to_string();
        return $"{message} (SQLite result {rc}: {raw.sqlite3_errstr(rc).utf8_to_string()})";
    }
}
