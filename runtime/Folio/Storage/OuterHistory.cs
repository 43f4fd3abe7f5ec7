using Folio.Interop;
using SQLitePCL;

namespace Folio.Storage;

/// <summary>
/// The file store's retained history on one outer connection: the tables, and the prepared
/// statements a commit and a read of the past use.
/// </summary>
/// <remarks>
/// <para>
/// <c>folio_page</c> holds each page's current value with the version that wrote it
/// (<c>written</c>). A commit moves the value it overwrites or deletes into
/// <c>folio_history</c> with the version that replaced it, so a past version <c>V</c> reads page
/// <c>n</c> from the current row when <c>written &lt;= V</c>, else from the history row with
/// <c>written &lt;= V &lt; replaced</c>, else the page was not written at <c>V</c> (zeros).
/// <c>folio_version</c> holds one row per retained version: commit time, page count, pages and
/// bytes written.
/// </para>
/// <para>
/// Collection runs inside commits, in bounded steps: every commit drops the version rows older
/// than the oldest one kept; history rows no retained version reads (those replaced at or before
/// the oldest kept version, found through the <c>(db, replaced)</c> index) are deleted every 16th
/// commit, at most 16 × (64 + 2 × the rows that commit added), and by any commit that added more
/// than 64 rows, at most 64 + 2 × those, at once. Every commit so pays for what it adds, and
/// collection keeps up whatever the mix of commit sizes. Batching matters: rows collected
/// together sit together, so their pages are rewritten once for many rows (it took the cost
/// history adds to a small durable commit from about 1.9x to about 1.5x).
/// </para>
/// </remarks>
internal sealed class OuterHistory : IDisposable
{
    /// <summary>History rows a commit may collect besides twice the rows it adds.</summary>
    private const int CollectPerCommit = 64;

    /// <summary>Collection of values runs at every this many versions, for that many commits' worth at once.</summary>
    private const int CollectEvery = 16;

    public const string Schema = """
        CREATE TABLE IF NOT EXISTS folio_history(
            db INTEGER NOT NULL,
            key INTEGER NOT NULL,
            written INTEGER NOT NULL,
            replaced INTEGER NOT NULL,
            data BLOB NOT NULL);
        CREATE INDEX IF NOT EXISTS folio_history_page ON folio_history(key, written);
        CREATE INDEX IF NOT EXISTS folio_history_age ON folio_history(db, replaced);
        CREATE TABLE IF NOT EXISTS folio_version(
            db INTEGER NOT NULL,
            version INTEGER NOT NULL,
            committed_at INTEGER NOT NULL,
            page_count INTEGER NOT NULL,
            pages INTEGER NOT NULL,
            bytes INTEGER NOT NULL,
            PRIMARY KEY(db, version)) WITHOUT ROWID;
        """;

    private readonly OuterConnection _connection;
    private readonly OuterBatch _keepPages;
    private readonly sqlite3_stmt _keepRange;
    private readonly sqlite3_stmt _insertVersion;
    private readonly sqlite3_stmt _inForceAt;
    private readonly sqlite3_stmt _collectVersions;
    private readonly sqlite3_stmt _collectValues;
    private readonly sqlite3_stmt _oldest;
    private readonly sqlite3_stmt _versionRow;
    private readonly sqlite3_stmt _currentAt;
    private readonly sqlite3_stmt _pastAt;

    public OuterHistory(OuterConnection connection)
    {
        _connection = connection;
        // ?1 is the database, ?2 the replacing version; the written pages' keys follow.
        _keepPages = new OuterBatch(connection, rows => OuterBatch.Repeat("INSERT INTO folio_history(db, key, written, replaced, data) SELECT ?1, key, written, ?2, data FROM folio_page WHERE key IN (", rows,
            i => $"?{3 + i}", ", ", ")"));
        _keepRange = connection.Prepare("INSERT INTO folio_history(db, key, written, replaced, data) SELECT ?1, key, written, ?4, data FROM folio_page WHERE key >= ?2 AND key < ?3");
        _insertVersion = connection.Prepare("INSERT OR REPLACE INTO folio_version(db, version, committed_at, page_count, pages, bytes) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        _inForceAt = connection.Prepare("SELECT version, committed_at, page_count, pages, bytes FROM folio_version WHERE db = ?1 AND committed_at <= ?2 ORDER BY version DESC LIMIT 1");
        _collectVersions = connection.Prepare("DELETE FROM folio_version WHERE db = ?1 AND version < ?2");
        _collectValues = connection.Prepare("DELETE FROM folio_history WHERE rowid IN (SELECT rowid FROM folio_history WHERE db = ?1 AND replaced <= ?2 LIMIT ?3)");
        _oldest = connection.Prepare("SELECT min(version) FROM folio_version WHERE db = ?1");
        _versionRow = connection.Prepare("SELECT version, committed_at, page_count, pages, bytes FROM folio_version WHERE db = ?1 AND version = ?2");
        _currentAt = connection.Prepare("SELECT data FROM folio_page WHERE key = ?1 AND written <= ?2");
        _pastAt = connection.Prepare("SELECT data FROM folio_history WHERE key = ?1 AND written <= ?2 AND replaced > ?2 ORDER BY written DESC LIMIT 1");
    }

    /// <summary>
    /// Inside a commit, before its writes: moves the values it replaces (the written pages' current
    /// rows, and the rows past the new end) into the history. Returns how many rows that may be.
    /// </summary>
    public int KeepReplaced(long databaseId, StoreCommit commit, long oldPageCount, long newVersion)
    {
        var pages = commit.Pages;
        for (var start = 0; start < pages.Count; start += OuterBatch.MaxRows)
        {
            var rows = Math.Min(OuterBatch.MaxRows, pages.Count - start);
            var keep = _keepPages.For(rows);
            raw.sqlite3_bind_int64(keep, 1, databaseId);
            raw.sqlite3_bind_int64(keep, 2, newVersion);
            for (var i = 0; i < rows; i++)
            {
                raw.sqlite3_bind_int64(keep, 3 + i, (databaseId << OuterConnection.PageBits) | pages[start + i].Number);
            }
            _connection.Step(keep, "INSERT INTO folio_history");
        }
        var kept = commit.Pages.Count;
        if (commit.NewPageCount < oldPageCount)
        {
            raw.sqlite3_bind_int64(_keepRange, 1, databaseId);
            raw.sqlite3_bind_int64(_keepRange, 2, (databaseId << OuterConnection.PageBits) | commit.NewPageCount);
            raw.sqlite3_bind_int64(_keepRange, 3, (databaseId + 1) << OuterConnection.PageBits);
            raw.sqlite3_bind_int64(_keepRange, 4, newVersion);
            _connection.Step(_keepRange, "INSERT INTO folio_history");
            kept += (int)Math.Min(int.MaxValue / 4, oldPageCount - commit.NewPageCount);
        }
        return kept;
    }

    /// <summary>
    /// Inside a commit, after its writes: records the new version, then collects (a bounded step)
    /// what <paramref name="retention"/> no longer keeps.
    /// </summary>
    public void Record(long databaseId, StoreCommit commit, long newVersion, long bytes, DateTimeOffset now, HistoryRetention retention, int keptRows)
    {
        raw.sqlite3_bind_int64(_insertVersion, 1, databaseId);
        raw.sqlite3_bind_int64(_insertVersion, 2, newVersion);
        raw.sqlite3_bind_int64(_insertVersion, 3, now.ToUnixTimeMilliseconds());
        raw.sqlite3_bind_int64(_insertVersion, 4, commit.NewPageCount);
        raw.sqlite3_bind_int64(_insertVersion, 5, commit.Pages.Count);
        raw.sqlite3_bind_int64(_insertVersion, 6, bytes);
        _connection.Step(_insertVersion, "INSERT INTO folio_version");

        var oldest = retention.OldestToKeep(newVersion, now, time => InForceAt(databaseId, time)?.Version);
        raw.sqlite3_bind_int64(_collectVersions, 1, databaseId);
        raw.sqlite3_bind_int64(_collectVersions, 2, oldest);
        _connection.Step(_collectVersions, "DELETE FROM folio_version");
        // Every commit pays for what it adds, so collection keeps up: small commits (up to 64 rows)
        // in a batch at every 16th version, larger ones at once.
        var limit = newVersion % CollectEvery == 0 ? CollectEvery * (CollectPerCommit + 2L * keptRows)
            : keptRows > CollectPerCommit ? CollectPerCommit + 2L * keptRows : 0;
        if (limit > 0)
        {
            raw.sqlite3_bind_int64(_collectValues, 1, databaseId);
            raw.sqlite3_bind_int64(_collectValues, 2, oldest);
            raw.sqlite3_bind_int64(_collectValues, 3, limit);
            _connection.Step(_collectValues, "DELETE FROM folio_history");
        }
    }

    /// <summary>The oldest retained version, or null when no version row exists (a file from before history, or a database never written).</summary>
    public long? Oldest(long databaseId)
    {
        raw.sqlite3_bind_int64(_oldest, 1, databaseId);
        try
        {
            Expect(_oldest, "SELECT min(version) FROM folio_version");
            return raw.sqlite3_column_type(_oldest, 0) == raw.SQLITE_NULL ? null : raw.sqlite3_column_int64(_oldest, 0);
        }
        finally
        {
            raw.sqlite3_reset(_oldest);
        }
    }

    /// <summary>The record of <paramref name="version"/>, or null when it is not retained.</summary>
    public StoreVersion? Version(long databaseId, long version)
    {
        raw.sqlite3_bind_int64(_versionRow, 1, databaseId);
        raw.sqlite3_bind_int64(_versionRow, 2, version);
        return ReadVersion(_versionRow, "SELECT FROM folio_version");
    }

    /// <summary>The newest version committed at or before <paramref name="time"/>, or null.</summary>
    public StoreVersion? InForceAt(long databaseId, DateTimeOffset time)
    {
        raw.sqlite3_bind_int64(_inForceAt, 1, databaseId);
        raw.sqlite3_bind_int64(_inForceAt, 2, time.ToUnixTimeMilliseconds());
        return ReadVersion(_inForceAt, "SELECT FROM folio_version");
    }

    /// <summary>Copies the value page <paramref name="page"/> held at <paramref name="version"/> into <paramref name="destination"/>; 0 when it held none.</summary>
    public int ReadPageAt(long databaseId, long page, long version, Span<byte> destination)
    {
        var key = (databaseId << OuterConnection.PageBits) | page;
        var length = ReadData(_currentAt, key, version, destination, page);
        return length >= 0 ? length : Math.Max(0, ReadData(_pastAt, key, version, destination, page));
    }

    private int ReadData(sqlite3_stmt statement, long key, long version, Span<byte> destination, long page)
    {
        raw.sqlite3_bind_int64(statement, 1, key);
        raw.sqlite3_bind_int64(statement, 2, version);
        try
        {
            if (!Expect(statement, "SELECT data AT VERSION"))
            {
                return -1;
            }
            var data = raw.sqlite3_column_blob(statement, 0);
            if (data.Length > destination.Length)
            {
                throw new PageCorruptException(_connection.Path, page, $"the stored value of version {version} has {data.Length} bytes, more than the {destination.Length} a page can encode to");
            }
            data.CopyTo(destination);
            return data.Length;
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    private StoreVersion? ReadVersion(sqlite3_stmt statement, string what)
    {
        try
        {
            return Expect(statement, what) ? ToVersion(statement) : null;
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    /// <summary>A row of <c>folio_version</c> (columns version, committed_at, page_count, pages, bytes) as a record.</summary>
    public static StoreVersion ToVersion(sqlite3_stmt statement) => new(
        raw.sqlite3_column_int64(statement, 0),
        DateTimeOffset.FromUnixTimeMilliseconds(raw.sqlite3_column_int64(statement, 1)),
        raw.sqlite3_column_int64(statement, 2),
        raw.sqlite3_column_int(statement, 3),
        raw.sqlite3_column_int64(statement, 4));

    /// <summary>Steps a query: true on a row, false when done, an exception naming the query otherwise.</summary>
    private bool Expect(sqlite3_stmt statement, string what)
    {
        var rc = raw.sqlite3_step(statement);
        if (rc == SqliteConstants.SQLITE_ROW)
        {
            return true;
        }
        if (rc == SqliteConstants.SQLITE_DONE)
        {
            return false;
        }
        throw _connection.Error(rc, raw.sqlite3_errmsg(_connection.Handle).utf8_to_string(), what);
    }

    public void Dispose()
    {
        _keepPages.Dispose();
        _keepRange.Dispose();
        _insertVersion.Dispose();
        _inForceAt.Dispose();
        _collectVersions.Dispose();
        _collectValues.Dispose();
        _oldest.Dispose();
        _versionRow.Dispose();
        _currentAt.Dispose();
        _pastAt.Dispose();
    }
}
