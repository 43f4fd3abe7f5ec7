using SQLitePCL;

namespace Folio.Conformance;

/// <summary>
/// SQLite's printf, reached through its <c>printf()</c> SQL function on a private in-memory
/// connection per thread (SQLitePCLRaw does not expose the variadic C function). Same library,
/// same code path as <c>sqlite3_snprintf</c>, so the same digits.
/// </summary>
internal static class SqlitePrintf
{
    [ThreadStatic]
    private static Formatter? _formatter;

    /// <summary><c>printf("%.3f", value)</c>.</summary>
    public static string Fixed3(double value) => (_formatter ??= new Formatter()).Fixed3(value);

    private sealed class Formatter
    {
        private readonly sqlite3 _db;
        private readonly sqlite3_stmt _fixed3;

        public Formatter()
        {
            FolioRuntime.EnsureProvider();
            Check(raw.sqlite3_open(":memory:", out _db));
            Check(raw.sqlite3_prepare_v2(_db, "SELECT printf('%.3f', ?1)", out _fixed3));
        }

        public string Fixed3(double value)
        {
            Check(raw.sqlite3_reset(_fixed3));
            Check(raw.sqlite3_bind_double(_fixed3, 1, value));
            if (raw.sqlite3_step(_fixed3) != raw.SQLITE_ROW)
            {
                throw new InvalidOperationException("printf('%.3f') returned no row: " + raw.sqlite3_errmsg(_db).utf8_to_string());
            }
            return raw.sqlite3_column_text(_fixed3, 0).utf8_to_string();
        }

        private void Check(int rc)
        {
            if (rc != raw.SQLITE_OK)
            {
                throw new InvalidOperationException($"SQLite printf helper failed ({rc}): {(_db is null ? "" : raw.sqlite3_errmsg(_db).utf8_to_string())}");
            }
        }
    }
}
