using Folio.Storage;
using SQLitePCL;

namespace Folio.Benchmarks;

/// <summary>
/// <c>--file-commits</c>: the file store's durable commit figure with the default history and
/// without, and the experiment that bounds it: plain WAL commits (<c>synchronous=FULL</c>) that
/// write as many WAL frames as a Folio commit does.
/// </summary>
/// <remarks>
/// A small insert on Folio writes pages 0 and a leaf, each a 4,112-byte value: a leaf cell plus an
/// overflow page in the outer file, so with the table's row, the head row and the version row
/// about 6 WAL frames per commit, and 13 with history (the replaced values' rows and both history
/// indexes), against 1 for the plain file (counted with <c>strace -f -e trace=pwrite64</c> over
/// <c>--loop file-commit 1000</c>). One fsync each, but of that many frames.
/// </remarks>
public static class FileCommitFigures
{
    public static void Run()
    {
        using var workloads = new Workloads();
        var folioFile = workloads.FolioFile();
        var folioNone = workloads.FolioFile(new FileStoreOptions { History = HistoryRetention.None });
        var nativeWal = workloads.NativeFile("WAL", "FULL");
        QuickHarness.Ratio("commit.folio-file/native-wal-full", () => folioFile.SmallInsert(workloads.NextPayload()), () => nativeWal.SmallInsert(workloads.NextPayload()), 40, 15);
        QuickHarness.Ratio("commit.folio-file/native-wal-full.no-history", () => folioNone.SmallInsert(workloads.NextPayload()), () => nativeWal.SmallInsert(workloads.NextPayload()), 40, 15);

        using var pages = new PageWrites(Path.Combine(workloads.Directory, $"frames-{Guid.NewGuid():N}.db"));
        QuickHarness.Ratio("commit.native-wal-full.6-pages/1-page", () => pages.Commit(6), () => pages.Commit(1), 40, 15);
        QuickHarness.Ratio("commit.native-wal-full.13-pages/1-page", () => pages.Commit(13), () => pages.Commit(1), 40, 15);
        QuickHarness.Ratio("commit.folio-file/native-wal-full.13-pages", () => folioFile.SmallInsert(workloads.NextPayload()), () => pages.Commit(13), 40, 15);
        QuickHarness.Ratio("commit.folio-file/native-wal-full.6-pages.no-history", () => folioNone.SmallInsert(workloads.NextPayload()), () => pages.Commit(6), 40, 15);
    }

    /// <summary>A plain WAL file whose rows fill a page each: a transaction updating N rows writes N WAL frames.</summary>
    private sealed class PageWrites : IDisposable
    {
        private const int Rows = 64;
        private readonly sqlite3 _db;
        private readonly sqlite3_stmt _update;
        private readonly byte[] _value = new byte[3000]; // more than half a 4 KiB page: one row per leaf
        private int _next;

        public PageWrites(string path)
        {
            Check(raw.sqlite3_open_v2(path, out _db, raw.SQLITE_OPEN_READWRITE | raw.SQLITE_OPEN_CREATE, null));
            Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE p(id INTEGER PRIMARY KEY, v BLOB NOT NULL)");
            Exec($"INSERT INTO p WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {Rows}) SELECT i, zeroblob(3000) FROM s");
            Check(raw.sqlite3_prepare_v2(_db, "UPDATE p SET v = ?2 WHERE id = ?1", out _update));
        }

        /// <summary>One transaction updating <paramref name="pages"/> rows, each on its own page.</summary>
        public void Commit(int pages)
        {
            Exec("BEGIN");
            for (var i = 0; i < pages; i++)
            {
                _next++;
                BitConverter.TryWriteBytes(_value, _next);
                raw.sqlite3_bind_int64(_update, 1, _next % Rows + 1);
                raw.sqlite3_bind_blob(_update, 2, _value);
                var rc = raw.sqlite3_step(_update);
                raw.sqlite3_reset(_update);
                if (rc != raw.SQLITE_DONE)
                {
                    throw new InvalidOperationException("update failed: " + raw.sqlite3_errmsg(_db).utf8_to_string());
                }
            }
            Exec("COMMIT");
        }

        private void Exec(string sql) => Check(raw.sqlite3_exec(_db, sql));

        private void Check(int rc)
        {
            if (rc != raw.SQLITE_OK)
            {
                throw new InvalidOperationException($"SQLite error {rc}: {(_db is null ? "" : raw.sqlite3_errmsg(_db).utf8_to_string())}");
            }
        }

        public void Dispose()
        {
            _update.Dispose();
            _db.Dispose();
        }
    }
}
