using Folio.Interop;
using SQLitePCL;

namespace Folio.Cli.Stores;

/// <summary>
/// Reads the list of databases in a Folio outer file without opening a store: the commands must
/// know a database's page size before <see cref="Storage.FilePageStore.Open"/> (which needs it
/// and creates what is missing), and <c>info</c> lists a file's databases. This reads the file
/// store's <c>folio_database</c> table, read-only.
/// </summary>
internal static class FileStoreCatalog
{
    /// <summary>One row of <c>folio_database</c>.</summary>
    public sealed record Entry(string Name, int PageSize, long PageCount, long Version);

    /// <summary>The databases in the outer file, or null when the file does not exist.</summary>
    /// <exception cref="CliDataException">The file is not a SQLite file, or a SQLite file that is not a Folio store.</exception>
    public static IReadOnlyList<Entry>? Read(string outerPath)
    {
        if (!File.Exists(outerPath))
        {
            return null;
        }
        FolioRuntime.EnsureProvider();
        var rc = raw.sqlite3_open_v2(outerPath, out var db, SqliteConstants.SQLITE_OPEN_READONLY, null);
        using (db)
        {
            if (rc != SqliteConstants.SQLITE_OK)
            {
                throw new CliDataException($"cannot open '{outerPath}': {raw.sqlite3_errstr(rc).utf8_to_string()}");
            }
            raw.sqlite3_busy_timeout(db, 10_000);
            var hasTable = Query(db, outerPath, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'folio_database'",
                s => raw.sqlite3_column_int64(s, 0)).Single();
            if (hasTable == 0)
            {
                var tables = Query(db, outerPath, "SELECT count(*) FROM sqlite_schema", s => raw.sqlite3_column_int64(s, 0)).Single();
                if (tables > 0)
                {
                    throw new CliDataException(
                        $"'{outerPath}' is a SQLite database, not a Folio file store; to bring it into a store run: folio import {outerPath} file:<store path>");
                }
                return []; // an empty file: a store that was never written
            }
            return Query(db, outerPath, "SELECT name, page_size, page_count, version FROM folio_database ORDER BY name",
                s => new Entry(raw.sqlite3_column_text(s, 0).utf8_to_string(), raw.sqlite3_column_int(s, 1),
                    raw.sqlite3_column_int64(s, 2), raw.sqlite3_column_int64(s, 3)));
        }
    }

    private static List<T> Query<T>(sqlite3 db, string path, string sql, Func<sqlite3_stmt, T> read)
    {
        var rc = raw.sqlite3_prepare_v2(db, sql, out var statement);
        using (statement)
        {
            var rows = new List<T>();
            if (rc == SqliteConstants.SQLITE_OK)
            {
                while ((rc = raw.sqlite3_step(statement)) == SqliteConstants.SQLITE_ROW)
                {
                    rows.Add(read(statement));
                }
            }
            if (rc is not (SqliteConstants.SQLITE_OK or SqliteConstants.SQLITE_DONE))
            {
                var message = raw.sqlite3_errmsg(db).utf8_to_string();
                throw new CliDataException((rc & 0xff) == raw.SQLITE_NOTADB
                    ? $"'{path}' is not a SQLite file, so not a Folio file store"
                    : $"cannot read '{path}': {message}");
            }
            return rows;
        }
    }
}
