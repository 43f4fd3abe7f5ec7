using SQLitePCL;

namespace Folio.Conformance;

/// <summary>An error from the engine.</summary>
/// <param name="Code">The SQLite (extended) result code; 0 for errors found outside SQLite.</param>
/// <param name="Message">What the engine said.</param>
public sealed record SqlError(int Code, string Message)
{
    /// <summary>
    /// Whether the error comes from what the SQL asks for (a syntax error, a constraint, an
    /// overflow…) rather than from how the database is stored or run (I/O, corruption, locking,
    /// memory…): only these are what a script's <c>statement error</c> can mean.
    /// </summary>
    public bool IsSqlLevel => (Code & 0xff) is raw.SQLITE_ERROR or raw.SQLITE_CONSTRAINT
        or raw.SQLITE_MISMATCH or raw.SQLITE_TOOBIG or raw.SQLITE_RANGE;

    /// <inheritdoc />
    public override string ToString() => Message;
}

/// <summary>What the runner needs from a database engine: run a statement, run a query.</summary>
public interface ISqlSession : IDisposable
{
    /// <summary>Runs every SQL statement in <paramref name="sql"/>; returns null on success, else the error.</summary>
    SqlError? Execute(string sql);

    /// <summary>
    /// Runs the first statement of <paramref name="sql"/> and appends its values, row by row and
    /// rendered per <paramref name="types"/>, to <paramref name="values"/>; returns null on
    /// success, else the error.
    /// </summary>
    SqlError? Query(string sql, string types, List<string> values);
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
    public SqlError? Execute(string sql)
    {
        // sqlite3_exec, as the reference runner: every statement in the text, stopping at the first error.
        var rc = raw.sqlite3_exec(_db, sql, out var message);
        return rc == raw.SQLITE_OK ? null : Describe(rc, message);
    }

    /// <inheritdoc />
    public SqlError? Query(string sql, string types, List<string> values)
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
                return new SqlError(0, $"wrong number of result columns: expected {types.Length} but got {columns}");
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
            if (rc != raw.SQLITE_DONE)
            {
                var error = Describe(rc, null);
                if (!error.IsSqlLevel)
                {
                    return error;
                }
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

    internal static string Render(sqlite3_stmt statement, int column, char type)
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

    private SqlError Describe(int rc, string? message)
    {
        var extended = raw.sqlite3_extended_errcode(_db);
        var code = (extended & 0xff) == (rc & 0xff) ? extended : rc;
        message ??= raw.sqlite3_errmsg(_db).utf8_to_string();
        return new SqlError(code, $"{message} (SQLite result {code}: {raw.sqlite3_errstr(code).utf8_to_string()})");
    }
}
