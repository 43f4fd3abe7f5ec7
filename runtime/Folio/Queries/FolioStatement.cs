using Folio.Interop;
using Folio.Vfs;
using SQLitePCL;

namespace Folio.Queries;

/// <summary>
/// One prepared statement of a typed method, resolved against its <see cref="StatementShape"/>:
/// binding slots map to SQLite parameter indexes and reading slots to column ordinals. Generated
/// code rents it from a <see cref="FolioSession"/>, binds, steps, reads and returns it; it stays
/// prepared for the next call.
/// Meant for the code Folio's generator writes, not for applications.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public sealed partial class FolioStatement
{
    private const int SQLITE_INTERRUPT = 9;
    private const uint SQLITE_PREPARE_PERSISTENT = 0x01;

    private readonly FolioConnection _connection;
    private readonly int[] _parameterIndexes;
    private readonly int[] _columnOrdinals;
    private CancellationToken _token;
    private CancellationTokenRegistration _registration;

    private FolioStatement(FolioConnection connection, StatementShape shape, sqlite3_stmt handle, int[] parameterIndexes, int[] columnOrdinals, bool cached)
    {
        _connection = connection;
        Shape = shape;
        Handle = handle;
        _parameterIndexes = parameterIndexes;
        _columnOrdinals = columnOrdinals;
        IsCached = cached;
        IsReadOnly = raw.sqlite3_stmt_readonly(handle) != 0;
    }

    /// <summary>The shape this statement was prepared from.</summary>
    public StatementShape Shape { get; }

    /// <summary>The SQLitePCLRaw statement handle.</summary>
    public sqlite3_stmt Handle { get; }

    internal bool IsCached { get; }

    /// <summary>True when SQLite says the statement cannot write (<c>sqlite3_stmt_readonly</c>).</summary>
    internal bool IsReadOnly { get; }

    internal bool InUse { get; set; }

    /// <summary>The connection and call this statement is rented on, until it is returned.</summary>
    internal SessionLane? Lane { get; set; }

    /// <summary>
    /// Prepares <paramref name="shape"/> on <paramref name="connection"/> and resolves its parameters
    /// and columns, or throws a <see cref="FolioException"/> (SQLite refused the SQL) or an
    /// <see cref="InvalidOperationException"/> (the SQL and the method disagree) naming the method.
    /// </summary>
    internal static FolioStatement Prepare(FolioConnection connection, StatementShape shape, bool cached)
    {
        VfsErrors.Clear();
        var rc = raw.sqlite3_prepare_v3(connection.Handle, shape.Sql, cached ? SQLITE_PREPARE_PERSISTENT : 0, out var prepared, out string tail);
        var handle = prepared!;
        if (rc != SqliteConstants.SQLITE_OK)
        {
            prepared?.Dispose();
            connection.Check(rc, shape.Sql, shape.Method);
        }
        try
        {
            if (handle.IsInvalid)
            {
                throw Mismatch(shape, "the SQL holds no statement");
            }
            if (!string.IsNullOrWhiteSpace(tail) && !IsOnlyComments(tail))
            {
                throw Mismatch(shape, $"the SQL holds more than one statement; the rest starts at '{Excerpt(tail)}'");
            }
            var parameters = ResolveParameters(handle, shape);
            var columns = ResolveColumns(handle, shape);
            return new FolioStatement(connection, shape, handle, parameters, columns, cached);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Arms cancellation: a cancelled <paramref name="token"/> interrupts the statement with <c>sqlite3_interrupt</c>.</summary>
    internal void Arm(CancellationToken token)
    {
        token.ThrowIfCancellationRequested();
        // A VFS failure recorded earlier on this thread (by another client, say) is not this call's cause.
        VfsErrors.Clear();
        _token = token;
        if (token.CanBeCanceled)
        {
            _registration = token.UnsafeRegister(static state => raw.sqlite3_interrupt((sqlite3)state!), _connection.Handle);
        }
    }

    /// <summary>Steps once: true for a row, false when done; throws on an error.</summary>
    public bool Step()
    {
        var rc = raw.sqlite3_step(Handle);
        if (rc == SqliteConstants.SQLITE_ROW)
        {
            return true;
        }
        if (rc == SqliteConstants.SQLITE_DONE)
        {
            return false;
        }
        Fail(rc);
        return false;
    }

    /// <summary>Runs the statement to its end and returns the rows it changed.</summary>
    public int Execute()
    {
        while (Step())
        {
        }
        return raw.sqlite3_changes(_connection.Handle);
    }

    /// <summary>Throws for a query that had to return exactly one row and returned none.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public void ThrowNoRows() =>
        throw new InvalidOperationException($"{Shape.Method} expected exactly one row and the query returned none. SQL: {Shape.Sql}");

    /// <summary>Throws for a query that had to return exactly one row and returned more.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public void ThrowManyRows() =>
        throw new InvalidOperationException($"{Shape.Method} expected exactly one row and the query returned more than one. SQL: {Shape.Sql}");

    /// <summary>Ends a call: resets the statement and drops the cancellation registration.</summary>
    internal void Release()
    {
        if (_token.CanBeCanceled)
        {
            _registration.Dispose();
            _registration = default;
        }
        _token = default;
        raw.sqlite3_reset(Handle);
    }

    internal void Close() => Handle.Dispose();

    private void Fail(int rc)
    {
        if ((rc & 0xff) == SQLITE_INTERRUPT && _token.IsCancellationRequested)
        {
            raw.sqlite3_reset(Handle);
            throw new OperationCanceledException($"{Shape.Method} was cancelled.", _token);
        }
        // sqlite3_reset returns the same error and leaves the statement reusable; the connection's
        // message is read first because reset may change it.
        try
        {
            _connection.Check(rc, Shape.Sql, Shape.Method);
        }
        finally
        {
            raw.sqlite3_reset(Handle);
        }
    }

    private static int[] ResolveParameters(sqlite3_stmt handle, StatementShape shape)
    {
        var indexes = new int[shape.Parameters.Length];
        var distinct = new HashSet<int>();
        for (var i = 0; i < indexes.Length; i++)
        {
            var index = raw.sqlite3_bind_parameter_index(handle, shape.Parameters[i]);
            if (index == 0)
            {
                throw Mismatch(shape, $"SQLite finds no parameter '{shape.Parameters[i]}' in the SQL");
            }
            indexes[i] = index;
            distinct.Add(index);
        }
        var count = raw.sqlite3_bind_parameter_count(handle);
        if (count != distinct.Count)
        {
            var names = new List<string>();
            for (var i = 1; i <= count; i++)
            {
                if (!distinct.Contains(i))
                {
                    names.Add(raw.sqlite3_bind_parameter_name(handle, i).utf8_to_string() ?? $"?{i}");
                }
            }
            throw Mismatch(shape, $"SQL parameter(s) {string.Join(", ", names)} match no method parameter (name them $x, :x or @x after a parameter x)");
        }
        return indexes;
    }

    private static int[] ResolveColumns(sqlite3_stmt handle, StatementShape shape)
    {
        var count = raw.sqlite3_column_count(handle);
        var ordinals = new int[shape.Members.Length];
        if (!shape.ByName)
        {
            if (count < ordinals.Length)
            {
                throw Mismatch(shape, $"the query returns {count} column(s) and the result needs {ordinals.Length}");
            }
            for (var i = 0; i < ordinals.Length; i++)
            {
                ordinals[i] = i;
            }
            return ordinals;
        }
        var keys = new string[count];
        for (var c = 0; c < count; c++)
        {
            keys[c] = StatementShape.NameKey(raw.sqlite3_column_name(handle, c).utf8_to_string() ?? "");
        }
        for (var i = 0; i < ordinals.Length; i++)
        {
            var key = StatementShape.NameKey(shape.Members[i]);
            ordinals[i] = Array.IndexOf(keys, key);
            if (ordinals[i] < 0)
            {
                var columns = new string[count];
                for (var c = 0; c < count; c++)
                {
                    columns[c] = raw.sqlite3_column_name(handle, c).utf8_to_string() ?? "";
                }
                throw Mismatch(shape, $"no column matches member '{shape.Members[i]}' (columns: {string.Join(", ", columns)})");
            }
        }
        return ordinals;
    }

    private static bool IsOnlyComments(string tail)
    {
        var text = tail.AsSpan().Trim();
        while (!text.IsEmpty)
        {
            if (text.StartsWith("--"))
            {
                var end = text.IndexOf('\n');
                text = end < 0 ? ReadOnlySpan<char>.Empty : text[(end + 1)..].TrimStart();
            }
            else if (text.StartsWith("/*"))
            {
                var end = text.IndexOf("*/");
                text = end < 0 ? ReadOnlySpan<char>.Empty : text[(end + 2)..].TrimStart();
            }
            else if (text[0] == ';')
            {
                text = text[1..].TrimStart();
            }
            else
            {
                return false;
            }
        }
        return true;
    }

    private static string Excerpt(string text)
    {
        var trimmed = text.Trim();
        return trimmed.Length <= 40 ? trimmed : trimmed[..40] + "…";
    }

    private static InvalidOperationException Mismatch(StatementShape shape, string problem) =>
        new($"{shape.Method}: {problem}. SQL: {shape.Sql}");
}
