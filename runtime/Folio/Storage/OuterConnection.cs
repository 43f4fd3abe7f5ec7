using Folio.Interop;
using SQLitePCL;

namespace Folio.Storage;

/// <summary>One connection to the outer file with its prepared statements.</summary>
internal sealed class OuterConnection : IDisposable
{
    // Page keys pack the database id above the page number, so one integer primary key (the
    // table's rowid: no second index) finds a page. 2^40 pages of 512 bytes is 512 TiB.
    public const int PageBits = 40;

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _selectHead;
    private readonly sqlite3_stmt _selectPage;
    private readonly OuterBatch _upsertPages;
    private readonly sqlite3_stmt _deletePages;
    private readonly sqlite3_stmt _updateHead;
    private readonly sqlite3_stmt _beginRead;
    private readonly sqlite3_stmt _beginWrite;
    private readonly sqlite3_stmt _endRead;
    private OuterHistory? _history;

    public OuterConnection(string path, FileStoreOptions options, int generation)
    {
        FolioRuntime.EnsureProvider();
        Path = path;
        Generation = generation;
        var flags = SqliteConstants.SQLITE_OPEN_READWRITE | SqliteConstants.SQLITE_OPEN_CREATE | SqliteConstants.SQLITE_OPEN_NOMUTEX;
        var rc = raw.sqlite3_open_v2(path, out _db, flags, null);
        if (rc != SqliteConstants.SQLITE_OK)
        {
            var message = _db is null ? raw.sqlite3_errstr(rc).utf8_to_string() : raw.sqlite3_errmsg(_db).utf8_to_string();
            _db?.Dispose();
            throw new IOException($"Folio file store '{path}': cannot open the file ({message}).");
        }
        try
        {
            OpenedForTesting?.Invoke(_db);
            raw.sqlite3_extended_result_codes(_db, 1);
            raw.sqlite3_busy_timeout(_db, (int)options.BusyTimeout.TotalMilliseconds);
            if (options.Mode == FileStoreMode.Exclusive)
            {
                Exec("PRAGMA locking_mode = EXCLUSIVE");
            }
            // Before the first table exists: a new file takes the page size, an existing one keeps its own.
            Exec($"PRAGMA page_size = {options.OuterPageSize}");
            Exec("PRAGMA journal_mode = WAL");
            Exec(options.Durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
            if (options.Mode == FileStoreMode.Shared)
            {
                // OuterFile.CheckpointIfDue checkpoints once a read has ended; SQLite's own, after
                // every commit once the WAL is this long, is only the backstop (see there).
                Exec($"PRAGMA wal_autocheckpoint = {OuterFile.BackstopCheckpointFrames}");
            }
            Exec("""
                CREATE TABLE IF NOT EXISTS folio_database(
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    page_size INTEGER NOT NULL,
                    page_count INTEGER NOT NULL,
                    version INTEGER NOT NULL,
                    committed_at INTEGER NOT NULL,
                    identity TEXT,
                    epoch INTEGER NOT NULL DEFAULT 0);
                CREATE TABLE IF NOT EXISTS folio_page(
                    key INTEGER PRIMARY KEY,
                    data BLOB NOT NULL,
                    written INTEGER NOT NULL DEFAULT 0);
                """ + OuterHistory.Schema);
            // Files written before databases had identities, or before history, lack these columns.
            AddColumn("folio_database", "identity", "TEXT");
            AddColumn("folio_database", "epoch", "INTEGER NOT NULL DEFAULT 0");
            AddColumn("folio_page", "written", "INTEGER NOT NULL DEFAULT 0");
            _selectHead = Prepare("SELECT version, page_count, identity, epoch FROM folio_database WHERE id = ?1");
            _selectPage = Prepare("SELECT data FROM folio_page WHERE key = ?1");
            // ?1 is the writing version; each row's key and value follow.
            _upsertPages = new OuterBatch(this, rows => OuterBatch.Repeat("INSERT INTO folio_page(key, data, written) VALUES ", rows,
                i => $"(?{2 + 2 * i}, ?{3 + 2 * i}, ?1)", ", ", " ON CONFLICT(key) DO UPDATE SET data = excluded.data, written = excluded.written"));
            _deletePages = Prepare("DELETE FROM folio_page WHERE key >= ?1 AND key < ?2");
            _updateHead = Prepare("UPDATE folio_database SET version = ?2, page_count = ?3, committed_at = ?4 WHERE id = ?1");
            _beginRead = Prepare("BEGIN");
            _beginWrite = Prepare("BEGIN IMMEDIATE");
            _endRead = Prepare("COMMIT");
        }
        catch
        {
            _db.Dispose();
            throw;
        }
    }

    public string Path { get; }

    /// <summary>The <see cref="OuterFile.Generation"/> of the file this connection was opened on.</summary>
    public int Generation { get; }

    public sqlite3 Handle => _db;

    /// <summary>Test seam: called with each outer connection opened on this thread, before its first statement (to trace what it runs).</summary>
    [ThreadStatic]
    internal static Action<sqlite3>? OpenedForTesting;

    /// <summary>Test seam: replaces ROLLBACK's execution (on this thread) to simulate a ROLLBACK that fails.</summary>
    [ThreadStatic]
    internal static Func<sqlite3, int>? RollbackForTesting;

    /// <summary>Rolls back the open transaction; returns the result code.</summary>
    public int Rollback() => RollbackForTesting?.Invoke(_db) ?? raw.sqlite3_exec(_db, "ROLLBACK");

    public void Exec(string sql)
    {
        var rc = raw.sqlite3_exec(_db, sql, out var error);
        if (rc != SqliteConstants.SQLITE_OK)
        {
            throw Error(rc, error ?? raw.sqlite3_errmsg(_db).utf8_to_string(), sql);
        }
    }

    /// <summary>
    /// Adds a column that files written by older versions lack, once, under the file's write lock
    /// (another process may be doing the same). Rows of <c>folio_page</c> without
    /// <c>written</c> count as written before any retained version.
    /// </summary>
    private void AddColumn(string table, string column, string definition)
    {
        var probeSql = $"SELECT count(*) FROM pragma_table_info('{table}') WHERE name = '{column}'";
        if (CountOf(probeSql) == 1)
        {
            return;
        }
        Exec("BEGIN IMMEDIATE");
        try
        {
            if (CountOf(probeSql) == 0)
            {
                Exec($"ALTER TABLE {table} ADD COLUMN {column} {definition}");
            }
            Exec("COMMIT");
        }
        catch
        {
            Rollback(); // a connection still in the transaction is closed by OuterFile.Return, or by the constructor
            throw;
        }
    }

    private int CountOf(string sql)
    {
        using var probe = Prepare(sql);
        raw.sqlite3_step(probe);
        return raw.sqlite3_column_int(probe, 0);
    }

    /// <summary>The history statements of this connection, prepared on first use.</summary>
    public OuterHistory History => _history ??= new OuterHistory(this);

    /// <summary>Finds or creates the database row (giving it an identity when it has none); returns its id and page size.</summary>
    public (long Id, int PageSize) OpenDatabase(string name, int pageSize)
    {
        Exec("BEGIN IMMEDIATE");
        try
        {
            var identity = StoreLineage.CreateNew().DatabaseId.ToString("N");
            using (var insert = Prepare("INSERT INTO folio_database(name, page_size, page_count, version, committed_at, identity, epoch) VALUES (?1, ?2, 0, 0, 0, ?3, 0) ON CONFLICT(name) DO UPDATE SET identity = coalesce(identity, excluded.identity)"))
            {
                raw.sqlite3_bind_text(insert, 1, name);
                raw.sqlite3_bind_int(insert, 2, pageSize);
                raw.sqlite3_bind_text(insert, 3, identity);
                Step(insert, "INSERT INTO folio_database");
            }
            using var select = Prepare("SELECT id, page_size FROM folio_database WHERE name = ?1");
            raw.sqlite3_bind_text(select, 1, name);
            if (raw.sqlite3_step(select) != SqliteConstants.SQLITE_ROW)
            {
                throw new IOException($"Folio file store '{Path}': the row of database '{name}' vanished.");
            }
            var result = (raw.sqlite3_column_int64(select, 0), raw.sqlite3_column_int(select, 1));
            Exec("COMMIT");
            return result;
        }
        catch
        {
            Rollback(); // a connection still in the transaction is closed by OuterFile.Return, or by the constructor
            throw;
        }
    }

    /// <summary>Finds the database row by name (creating nothing); returns its id and page size, or null when the file has no such database.</summary>
    public (long Id, int PageSize)? FindDatabase(string name)
    {
        using var select = Prepare("SELECT id, page_size FROM folio_database WHERE name = ?1");
        raw.sqlite3_bind_text(select, 1, name);
        return raw.sqlite3_step(select) == SqliteConstants.SQLITE_ROW ? (raw.sqlite3_column_int64(select, 0), raw.sqlite3_column_int(select, 1)) : null;
    }

    /// <summary>Starts an outer read transaction (prepared once: every Folio read transaction pays this).</summary>
    public void BeginRead() => Step(_beginRead, "BEGIN");

    /// <summary>Ends the outer read transaction.</summary>
    public void EndRead() => Step(_endRead, "COMMIT");

    /// <summary>Starts an outer write transaction (prepared once, as every statement of a commit is).</summary>
    public void BeginWrite() => Step(_beginWrite, "BEGIN IMMEDIATE");

    /// <summary>Commits the outer write transaction (one WAL fsync when durable).</summary>
    public void CommitWrite() => Step(_endRead, "COMMIT");

    public StoreHead ReadHead(long databaseId)
    {
        raw.sqlite3_bind_int64(_selectHead, 1, databaseId);
        try
        {
            var rc = raw.sqlite3_step(_selectHead);
            if (rc != SqliteConstants.SQLITE_ROW)
            {
                throw Error(rc, rc == SqliteConstants.SQLITE_DONE ? "the database's row is missing" : raw.sqlite3_errmsg(_db).utf8_to_string(), "SELECT version");
            }
            var identity = raw.sqlite3_column_text(_selectHead, 2).utf8_to_string();
            if (!Guid.TryParseExact(identity, "N", out var identityId))
            {
                throw new InvalidDataException($"Folio file store '{Path}': database row {databaseId} has no valid identity ('{identity}').");
            }
            return new StoreHead(raw.sqlite3_column_int64(_selectHead, 0), raw.sqlite3_column_int64(_selectHead, 1),
                new StoreLineage(identityId, raw.sqlite3_column_int64(_selectHead, 3)));
        }
        finally
        {
            raw.sqlite3_reset(_selectHead);
        }
    }

    public int ReadPage(long databaseId, long page, Span<byte> destination)
    {
        raw.sqlite3_bind_int64(_selectPage, 1, (databaseId << PageBits) | page);
        try
        {
            var rc = raw.sqlite3_step(_selectPage);
            if (rc == SqliteConstants.SQLITE_DONE)
            {
                return 0;
            }
            if (rc != SqliteConstants.SQLITE_ROW)
            {
                throw Error(rc, raw.sqlite3_errmsg(_db).utf8_to_string(), "SELECT data FROM folio_page");
            }
            var data = raw.sqlite3_column_blob(_selectPage, 0);
            if (data.Length > destination.Length)
            {
                throw new PageCorruptException(Path, page, $"the stored value has {data.Length} bytes, more than the {destination.Length} a page can encode to");
            }
            data.CopyTo(destination);
            return data.Length;
        }
        finally
        {
            raw.sqlite3_reset(_selectPage);
        }
    }

    /// <summary>
    /// Applies one commit inside an outer write transaction (the caller handles BEGIN/COMMIT):
    /// keeps the values it replaces as <paramref name="retention"/> asks, writes the pages, deletes
    /// those past the new end, moves the head and records the version.
    /// </summary>
    public void WritePages(long databaseId, StoreCommit commit, long newVersion, long oldPageCount, HistoryRetention retention)
    {
        var kept = retention.IsEnabled ? History.KeepReplaced(databaseId, commit, oldPageCount, newVersion) : 0;
        long bytes = 0;
        var pages = commit.Pages;
        for (var start = 0; start < pages.Count; start += OuterBatch.MaxRows)
        {
            var rows = Math.Min(OuterBatch.MaxRows, pages.Count - start);
            var upsert = _upsertPages.For(rows);
            raw.sqlite3_bind_int64(upsert, 1, newVersion);
            for (var i = 0; i < rows; i++)
            {
                var page = pages[start + i];
                raw.sqlite3_bind_int64(upsert, 2 + 2 * i, (databaseId << PageBits) | page.Number);
                raw.sqlite3_bind_blob(upsert, 3 + 2 * i, page.Data.Span);
                bytes += page.Data.Length;
            }
            Step(upsert, "INSERT INTO folio_page");
            raw.sqlite3_clear_bindings(upsert); // let go of the copies of the pages' bytes
        }
        if (commit.NewPageCount < oldPageCount) // no row lies past the old end, so only a shrinking commit has any to delete
        {
            raw.sqlite3_bind_int64(_deletePages, 1, (databaseId << PageBits) | commit.NewPageCount);
            raw.sqlite3_bind_int64(_deletePages, 2, (databaseId + 1) << PageBits);
            Step(_deletePages, "DELETE FROM folio_page");
        }
        raw.sqlite3_bind_int64(_updateHead, 1, databaseId);
        raw.sqlite3_bind_int64(_updateHead, 2, newVersion);
        raw.sqlite3_bind_int64(_updateHead, 3, commit.NewPageCount);
        var now = DateTimeOffset.UtcNow;
        raw.sqlite3_bind_int64(_updateHead, 4, now.ToUnixTimeMilliseconds());
        Step(_updateHead, "UPDATE folio_database");
        History.Record(databaseId, commit, newVersion, bytes, now, retention, kept);
    }

    public sqlite3_stmt Prepare(string sql)
    {
        var rc = raw.sqlite3_prepare_v2(_db, sql, out var statement);
        if (rc != SqliteConstants.SQLITE_OK)
        {
            throw Error(rc, raw.sqlite3_errmsg(_db).utf8_to_string(), sql);
        }
        return statement;
    }

    public void Step(sqlite3_stmt statement, string what)
    {
        try
        {
            var rc = raw.sqlite3_step(statement);
            if (rc != SqliteConstants.SQLITE_DONE && rc != SqliteConstants.SQLITE_ROW)
            {
                throw Error(rc, raw.sqlite3_errmsg(_db).utf8_to_string(), what);
            }
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    public IOException Error(int rc, string message, string what) =>
        new($"Folio file store '{Path}': {what} failed with SQLite error {rc} ({message}).") { HResult = rc };

    public void Dispose()
    {
        _selectHead?.Dispose();
        _selectPage?.Dispose();
        _upsertPages?.Dispose();
        _deletePages?.Dispose();
        _updateHead?.Dispose();
        _beginRead?.Dispose();
        _beginWrite?.Dispose();
        _endRead?.Dispose();
        _history?.Dispose();
        _db.Dispose();
    }
}
