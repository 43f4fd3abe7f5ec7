using System.Globalization;
using SQLitePCL;

namespace Folio.Cli.Tests;

/// <summary>A plain SQLite file opened with SQLite's own file system (SQLitePCLRaw), for making sources and reading exports.</summary>
public sealed class PlainSqlite : IDisposable
{
    private PlainSqlite(sqlite3 handle) => Handle = handle;

    public sqlite3 Handle { get; }

    public static PlainSqlite Open(string path, bool readOnly = false)
    {
        FolioRuntime.EnsureProvider();
        var flags = readOnly ? raw.SQLITE_OPEN_READONLY : raw.SQLITE_OPEN_READWRITE | raw.SQLITE_OPEN_CREATE;
        var rc = raw.sqlite3_open_v2(path, out var db, flags, null);
        if (rc != raw.SQLITE_OK)
        {
            throw new InvalidOperationException($"cannot open {path}: {raw.sqlite3_errstr(rc).utf8_to_string()}");
        }
        return new PlainSqlite(db);
    }

    /// <summary>Runs every statement of <paramref name="sql"/>.</summary>
    public void Execute(string sql)
    {
        var rc = raw.sqlite3_exec(Handle, sql, out var error);
        if (rc != raw.SQLITE_OK)
        {
            throw new InvalidOperationException($"{sql}: {error}");
        }
    }

    /// <summary>Runs one statement once per parameter row.</summary>
    public void ExecuteMany(string sql, IEnumerable<object?[]> rows)
    {
        Check(raw.sqlite3_prepare_v2(Handle, sql, out var statement), sql);
        using (statement)
        {
            foreach (var row in rows)
            {
                raw.sqlite3_reset(statement);
                for (var i = 0; i < row.Length; i++)
                {
                    Check(row[i] switch
                    {
                        null => raw.sqlite3_bind_null(statement, i + 1),
                        long l => raw.sqlite3_bind_int64(statement, i + 1, l),
                        int n => raw.sqlite3_bind_int64(statement, i + 1, n),
                        double d => raw.sqlite3_bind_double(statement, i + 1, d),
                        string s => raw.sqlite3_bind_text(statement, i + 1, s),
                        byte[] b => raw.sqlite3_bind_blob(statement, i + 1, b),
                        _ => throw new ArgumentException(row[i]!.GetType().Name),
                    }, sql);
                }
                var rc = raw.sqlite3_step(statement);
                if (rc != raw.SQLITE_DONE)
                {
                    Check(rc, sql);
                }
            }
        }
    }

    /// <summary>Every row of a query, each value tagged with its SQLite type: a text that compares exactly.</summary>
    public List<string> Rows(string sql)
    {
        Check(raw.sqlite3_prepare_v2(Handle, sql, out var statement), sql);
        using (statement)
        {
            var rows = new List<string>();
            int rc;
            while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
            {
                var values = new string[raw.sqlite3_column_count(statement)];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = raw.sqlite3_column_type(statement, i) switch
                    {
                        raw.SQLITE_INTEGER => "i" + raw.sqlite3_column_int64(statement, i).ToString(CultureInfo.InvariantCulture),
                        raw.SQLITE_FLOAT => "r" + BitConverter.DoubleToInt64Bits(raw.sqlite3_column_double(statement, i)).ToString("x16", CultureInfo.InvariantCulture),
                        raw.SQLITE_TEXT => "t" + raw.sqlite3_column_text(statement, i).utf8_to_string(),
                        raw.SQLITE_BLOB => "b" + Convert.ToHexString(raw.sqlite3_column_blob(statement, i)),
                        _ => "n",
                    };
                }
                rows.Add(string.Join('|', values));
            }
            if (rc != raw.SQLITE_DONE)
            {
                Check(rc, sql);
            }
            return rows;
        }
    }

    /// <summary>
    /// The whole database as text: sqlite_schema (with or without root pages), then every table's
    /// rows in primary-key order. Two databases with the same dump hold the same data and schema.
    /// </summary>
    public List<string> Dump(bool withRootPages = true)
    {
        var dump = Rows(withRootPages
            ? "SELECT type, name, tbl_name, rootpage, sql FROM sqlite_schema ORDER BY type, name"
            : "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name");
        var tables = Rows("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").Select(r => r[1..]).ToList();
        foreach (var table in tables)
        {
            var quoted = "\"" + table.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            var withoutRowid = Rows($"SELECT count(*) FROM pragma_table_info('{table.Replace("'", "''", StringComparison.Ordinal)}') WHERE pk > 0")[0] != "i0"
                && Rows($"SELECT 1 FROM sqlite_schema WHERE name = '{table.Replace("'", "''", StringComparison.Ordinal)}' AND sql LIKE '%WITHOUT ROWID%'").Count > 0;
            var order = withoutRowid ? "" : " ORDER BY rowid";
            dump.Add($"-- table {table}");
            dump.AddRange(Rows($"SELECT * FROM {quoted}{order}"));
        }
        return dump;
    }

    private void Check(int rc, string sql)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw new InvalidOperationException($"{sql}: {raw.sqlite3_errmsg(Handle).utf8_to_string()}");
        }
    }

    public void Dispose() => Handle.Dispose();
}
