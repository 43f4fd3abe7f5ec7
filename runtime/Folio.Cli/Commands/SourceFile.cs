using System.Buffers.Binary;
using Folio.Interop;
using SQLitePCL;

namespace Folio.Cli.Commands;

/// <summary>
/// A plain SQLite file opened read-only through SQLite's own file system, as the source of an
/// import: the tool never writes to (or checkpoints) the user's file.
/// </summary>
internal sealed class SourceFile : IDisposable
{
    private static readonly byte[] Magic = "SQLite format 3\0"u8.ToArray();

    private SourceFile(string path, sqlite3 handle, int pageSize, bool isWal)
    {
        Path = path;
        Handle = handle;
        PageSize = pageSize;
        IsWal = isWal;
    }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>The read-only connection.</summary>
    public sqlite3 Handle { get; }

    /// <summary>The file's page size.</summary>
    public int PageSize { get; }

    /// <summary>True when the file is in WAL mode (header bytes 18 and 19 are 2).</summary>
    public bool IsWal { get; }

    /// <summary>Opens <paramref name="path"/> read-only after checking it is a SQLite database.</summary>
    /// <exception cref="CliDataException">Missing, not SQLite, unreadable, or a Folio outer file.</exception>
    public static SourceFile Open(string path, TimeSpan busyTimeout)
    {
        if (Directory.Exists(path))
        {
            throw new CliDataException($"'{path}' is a directory, not a SQLite file");
        }
        if (!File.Exists(path))
        {
            throw new CliDataException($"source file '{path}' does not exist");
        }
        var header = new byte[100];
        int read;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        }
        if (read > 0 && (read < header.Length || !header.AsSpan(0, Magic.Length).SequenceEqual(Magic)))
        {
            throw new CliDataException($"'{path}' is not a SQLite database (it does not start with the SQLite header)");
        }
        FolioRuntime.EnsureProvider();
        var rc = raw.sqlite3_open_v2(path, out var db, SqliteConstants.SQLITE_OPEN_READONLY, null);
        if (rc != SqliteConstants.SQLITE_OK)
        {
            var message = db is null ? raw.sqlite3_errstr(rc).utf8_to_string() : raw.sqlite3_errmsg(db).utf8_to_string();
            db?.Dispose();
            throw new CliDataException($"cannot open '{path}': {message}");
        }
        try
        {
            raw.sqlite3_busy_timeout(db, (int)Math.Min(int.MaxValue, busyTimeout.TotalMilliseconds));
            var folioTables = Scalar(db, path, "SELECT count(*) FROM sqlite_schema WHERE name IN ('folio_database', 'folio_page')");
            if (folioTables == 2)
            {
                throw new CliDataException($"'{path}' is a Folio file store, not a plain SQLite file; use it directly as file:{path}");
            }
            var pageSize = (int)Scalar(db, path, "PRAGMA page_size");
            var isWal = read > 0 && header[18] == 2 && header[19] == 2;
            var headerPageSize = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(16));
            if (read > 0 && (headerPageSize == 1 ? 65536 : headerPageSize) != pageSize)
            {
                throw new CliDataException($"'{path}': the header's page size does not match SQLite's ({pageSize}); the file may be damaged");
            }
            return new SourceFile(path, db, pageSize, isWal);
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    /// <summary>Runs a statement that returns one integer.</summary>
    public static long Scalar(sqlite3 db, string path, string sql)
    {
        var rc = raw.sqlite3_prepare_v2(db, sql, out var statement);
        using (statement)
        {
            if (rc == SqliteConstants.SQLITE_OK)
            {
                rc = raw.sqlite3_step(statement);
                if (rc == SqliteConstants.SQLITE_ROW)
                {
                    return raw.sqlite3_column_int64(statement, 0);
                }
            }
            throw new CliDataException($"'{path}': {sql} failed: {raw.sqlite3_errmsg(db).utf8_to_string()}");
        }
    }

    /// <summary>Runs SQL and returns the first column of every row as text.</summary>
    public static List<string> Column(sqlite3 db, string what, string sql)
    {
        var rc = raw.sqlite3_prepare_v2(db, sql, out var statement);
        using (statement)
        {
            var rows = new List<string>();
            if (rc == SqliteConstants.SQLITE_OK)
            {
                while ((rc = raw.sqlite3_step(statement)) == SqliteConstants.SQLITE_ROW)
                {
                    rows.Add(raw.sqlite3_column_text(statement, 0).utf8_to_string() ?? "");
                }
            }
            if (rc is not (SqliteConstants.SQLITE_OK or SqliteConstants.SQLITE_DONE))
            {
                throw new CliDataException($"{what}: {sql} failed: {raw.sqlite3_errmsg(db).utf8_to_string()}");
            }
            return rows;
        }
    }

    /// <summary>Closes the connection.</summary>
    public void Dispose() => Handle.Dispose();
}
