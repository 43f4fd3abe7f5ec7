using System.Runtime.InteropServices;

namespace Folio.SqlCheck;

/// <summary>The e_sqlite3 exports the check uses, loaded from the path the build passes.</summary>
internal static unsafe partial class Sqlite
{
    private const string Library = "e_sqlite3";

    public const int SQLITE_OK = 0;
    public const int SQLITE_ROW = 100;
    public const int SQLITE_NULL = 5;
    private const int SQLITE_OPEN_READWRITE = 0x2;
    private const int SQLITE_OPEN_CREATE = 0x4;
    private const int SQLITE_OPEN_MEMORY = 0x80;

    /// <summary>Makes <c>e_sqlite3</c> resolve to <paramref name="path"/>.</summary>
    public static void LoadFrom(string path)
    {
        var handle = NativeLibrary.Load(path);
        NativeLibrary.SetDllImportResolver(typeof(Sqlite).Assembly, (name, _, _) => name == Library ? handle : IntPtr.Zero);
    }

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int sqlite3_open_v2(string filename, out IntPtr db, int flags, IntPtr vfs);

    [LibraryImport(Library)]
    public static partial int sqlite3_close_v2(IntPtr db);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int sqlite3_exec(IntPtr db, string sql, IntPtr callback, IntPtr argument, out IntPtr error);

    [LibraryImport(Library)]
    private static partial void sqlite3_free(IntPtr memory);

    [LibraryImport(Library)]
    private static partial int sqlite3_prepare_v2(IntPtr db, byte* sql, int bytes, out IntPtr statement, out byte* tail);

    [LibraryImport(Library)]
    private static partial IntPtr sqlite3_errmsg(IntPtr db);

    [LibraryImport(Library)]
    public static partial int sqlite3_finalize(IntPtr statement);

    [LibraryImport(Library)]
    public static partial int sqlite3_step(IntPtr statement);

    [LibraryImport(Library)]
    public static partial int sqlite3_stmt_readonly(IntPtr statement);

    [LibraryImport(Library)]
    public static partial int sqlite3_column_count(IntPtr statement);

    [LibraryImport(Library)]
    public static partial int sqlite3_column_type(IntPtr statement, int column);

    [LibraryImport(Library)]
    private static partial IntPtr sqlite3_column_name(IntPtr statement, int column);

    [LibraryImport(Library)]
    private static partial IntPtr sqlite3_column_decltype(IntPtr statement, int column);

    [LibraryImport(Library)]
    private static partial IntPtr sqlite3_column_database_name(IntPtr statement, int column);

    [LibraryImport(Library)]
    private static partial IntPtr sqlite3_column_table_name(IntPtr statement, int column);

    [LibraryImport(Library)]
    private static partial IntPtr sqlite3_column_origin_name(IntPtr statement, int column);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int sqlite3_table_column_metadata(IntPtr db, string database, string table, string column,
        out IntPtr dataType, out IntPtr collation, out int notNull, out int primaryKey, out int autoIncrement);

    [LibraryImport(Library)]
    public static partial int sqlite3_bind_parameter_count(IntPtr statement);

    [LibraryImport(Library)]
    private static partial IntPtr sqlite3_bind_parameter_name(IntPtr statement, int index);

    [LibraryImport(Library)]
    public static partial int sqlite3_bind_int64(IntPtr statement, int index, long value);

    [LibraryImport(Library)]
    public static partial int sqlite3_bind_double(IntPtr statement, int index, double value);

    [LibraryImport(Library)]
    private static partial int sqlite3_bind_text(IntPtr statement, int index, byte* text, int bytes, IntPtr destructor);

    [LibraryImport(Library)]
    private static partial int sqlite3_bind_zeroblob(IntPtr statement, int index, int bytes);

    [LibraryImport(Library)]
    private static partial void sqlite3_progress_handler(IntPtr db, int instructions, delegate* unmanaged<IntPtr, int> handler, IntPtr argument);

    /// <summary>A fresh in-memory database.</summary>
    public static IntPtr OpenMemory()
    {
        var rc = sqlite3_open_v2(":memory:", out var db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_MEMORY, IntPtr.Zero);
        if (rc != SQLITE_OK)
        {
            throw new InvalidOperationException($"SQLite could not open an in-memory database (code {rc})");
        }
        return db;
    }

    /// <summary>Runs <paramref name="sql"/> (any number of statements); null when it ran, else SQLite's message.</summary>
    public static string? Execute(IntPtr db, string sql)
    {
        var rc = sqlite3_exec(db, sql, IntPtr.Zero, IntPtr.Zero, out var error);
        if (rc == SQLITE_OK)
        {
            return null;
        }
        var message = Text(error) ?? $"error code {rc}";
        sqlite3_free(error);
        return message;
    }

    /// <summary>Prepares the first statement of <paramref name="sql"/>; on failure returns zero and SQLite's message.</summary>
    public static IntPtr Prepare(IntPtr db, string sql, out string? error)
    {
        var utf8 = System.Text.Encoding.UTF8.GetBytes(sql);
        fixed (byte* text = utf8)
        {
            var rc = sqlite3_prepare_v2(db, text, utf8.Length, out var statement, out _);
            error = rc == SQLITE_OK ? null : Text(sqlite3_errmsg(db)) ?? $"error code {rc}";
            return rc == SQLITE_OK ? statement : IntPtr.Zero;
        }
    }

    public static string ColumnName(IntPtr statement, int column) => Text(sqlite3_column_name(statement, column)) ?? "";

    public static string? DeclaredType(IntPtr statement, int column) => Text(sqlite3_column_decltype(statement, column));

    /// <summary>The table column a result column reads directly (database, table, column), or null for an expression.</summary>
    public static (string Database, string Table, string Column)? Origin(IntPtr statement, int column)
    {
        var table = Text(sqlite3_column_table_name(statement, column));
        var origin = Text(sqlite3_column_origin_name(statement, column));
        return table is null || origin is null ? null : (Text(sqlite3_column_database_name(statement, column)) ?? "main", table, origin);
    }

    /// <summary>Whether a table column is declared NOT NULL or is part of the primary key.</summary>
    public static (bool NotNull, bool PrimaryKey) ColumnConstraints(IntPtr db, string database, string table, string column)
    {
        var rc = sqlite3_table_column_metadata(db, database, table, column, out _, out _, out var notNull, out var primaryKey, out _);
        return rc == SQLITE_OK ? (notNull != 0, primaryKey != 0) : (false, false);
    }

    public static string? ParameterName(IntPtr statement, int index) => Text(sqlite3_bind_parameter_name(statement, index));

    public static void BindText(IntPtr statement, int index, string value)
    {
        // A terminating zero, so that even '' has an address: a null pointer would bind NULL.
        var utf8 = System.Text.Encoding.UTF8.GetBytes(value + "\0");
        fixed (byte* text = utf8)
        {
            sqlite3_bind_text(statement, index, text, utf8.Length - 1, new IntPtr(-1)); // SQLITE_TRANSIENT: SQLite copies it
        }
    }

    public static void BindBlob(IntPtr statement, int index, int bytes) => sqlite3_bind_zeroblob(statement, index, bytes);

    /// <summary>Makes every statement of <paramref name="db"/> stop after about <paramref name="limit"/> thousand virtual machine steps.</summary>
    public static void LimitSteps(IntPtr db, int limit)
    {
        s_budget = limit;
        sqlite3_progress_handler(db, 1000, &Progress, IntPtr.Zero);
    }

    /// <summary>Gives the next statement a full budget again.</summary>
    public static void ResetSteps(int limit) => s_budget = limit;

    private static int s_budget;

    [UnmanagedCallersOnly]
    private static int Progress(IntPtr argument) => --s_budget < 0 ? 1 : 0;

    private static string? Text(IntPtr utf8) => utf8 == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(utf8);
}
