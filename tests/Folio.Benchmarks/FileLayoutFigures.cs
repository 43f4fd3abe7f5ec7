using Folio.Storage;
using SQLitePCL;

namespace Folio.Benchmarks;

/// <summary>
/// The file store's outer layout: what a 100 MB database costs on disk after a checkpoint, and
/// what the outer page size (the default 4 KiB, where every stored page needs an overflow page,
/// against 64 KiB, where fifteen share one outer page) costs a commit and a read.
/// </summary>
public static class FileLayoutFigures
{
    public static void Run(Workloads workloads)
    {
        foreach (var outer in new[] { 65536, 4096 })
        {
            var path = Path.Combine(workloads.Directory, $"layout-{outer}.folio");
            long logical;
            using (var store = FilePageStore.Open(path, "main", 4096, new FileStoreOptions { OuterPageSize = outer, Durable = false, History = HistoryRetention.None }))
            using (var db = FolioDatabase.Open(store))
            using (var c = db.OpenConnection())
            {
                c.Execute("CREATE TABLE t(k INTEGER PRIMARY KEY, v BLOB)");
                for (var batch = 0; batch < 10; batch++)
                {
                    c.Execute($"INSERT INTO t WITH RECURSIVE s(k) AS (SELECT {batch * 10_000 + 1} UNION ALL SELECT k + 1 FROM s WHERE k < {(batch + 1) * 10_000}) SELECT k, randomblob(1000) FROM s");
                }
                logical = store.GetHead().PageCount * 4096;
            }
            Checkpoint(path);
            var name = outer == new FileStoreOptions().OuterPageSize ? "file.bytes-on-disk/logical-bytes" : $"file.bytes-on-disk/logical-bytes.outer-{outer / 1024}k";
            Console.WriteLine($"ratio {name} = {(double)new FileInfo(path).Length / logical:F3}");
            Console.Error.WriteLine($"  ({outer / 1024} KiB outer pages: {new FileInfo(path).Length} bytes on disk for {logical} logical bytes)");
        }

        var large = workloads.FolioFile(new FileStoreOptions { OuterPageSize = 65536 });
        var small = workloads.FolioFile(new FileStoreOptions { OuterPageSize = 4096 });
        QuickHarness.Ratio("commit.outer-64k/outer-4k", () => large.SmallInsert(workloads.NextPayload()), () => small.SmallInsert(workloads.NextPayload()), 40, 9);
        var largeCold = workloads.FolioFile(new FileStoreOptions { OuterPageSize = 65536 }, new FolioOptions { CachePages = 0 });
        var smallCold = workloads.FolioFile(new FileStoreOptions { OuterPageSize = 4096 }, new FolioOptions { CachePages = 0 });
        QuickHarness.Ratio("read.no-page-cache.outer-64k/outer-4k", () => largeCold.ColdPointRead(), () => smallCold.ColdPointRead(), 2_000);
    }

    private static void Checkpoint(string path)
    {
        raw.sqlite3_open(path, out var db);
        using (db)
        {
            raw.sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
        }
    }
}
