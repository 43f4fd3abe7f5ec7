using System.Diagnostics;
using Folio.Storage;

namespace Folio.Benchmarks;

/// <summary>
/// Time travel: what retained history costs per commit (retained bytes against the dirty page bytes
/// the commit wrote), and how long a past version of a 100 MB database takes to open and read.
/// </summary>
public static class HistoryFigures
{
    private const int PageSize = 4096;

    public static void Run()
    {
        var directory = Path.Combine(Path.GetTempPath(), "folio-history-figures", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            RetainedBytes("memory", new MemoryPageStore($"history-{Guid.NewGuid():N}", PageSize, history: Keep), null);
            var withHistory = Path.Combine(directory, "history.folio");
            var without = Path.Combine(directory, "none.folio");
            RetainedBytes("file", FilePageStore.Open(withHistory, "main", PageSize, new FileStoreOptions { History = Keep, Durable = false }),
                () => FilePageStore.Open(without, "main", PageSize, new FileStoreOptions { History = HistoryRetention.None, Durable = false }));
            OpenPastVersion(Path.Combine(directory, "big.folio"));
            CommitCost();
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>What keeping history costs a small commit, on the memory store and on the (durable) file store.</summary>
    private static void CommitCost()
    {
        using var workloads = new Workloads();
        var memory = workloads.FolioMemory();
        var memoryNone = workloads.FolioMemory(store: new MemoryPageStore($"bench-{Guid.NewGuid():N}", history: HistoryRetention.None));
        QuickHarness.Ratio("commit.history/no-history.memory", () => memory.SmallInsert(workloads.NextPayload()), () => memoryNone.SmallInsert(workloads.NextPayload()), 2_000);
        var file = workloads.FolioFile(new FileStoreOptions());
        var fileNone = workloads.FolioFile(new FileStoreOptions { History = HistoryRetention.None });
        QuickHarness.Ratio("commit.history/no-history.file", () => file.SmallInsert(workloads.NextPayload()), () => fileNone.SmallInsert(workloads.NextPayload()), 40, 9);
    }

    private static readonly HistoryRetention Keep = new() { Versions = 1000, MaxAge = null };

    /// <summary>
    /// 500 commits updating a few random rows of a 2 MB table: the values the store keeps for the
    /// past against the page bytes those commits dirtied. For the file store also the growth of
    /// the outer file against the same workload without history.
    /// </summary>
    private static void RetainedBytes(string kind, IPageStore store, Func<IPageStore>? baseline)
    {
        using (store)
        {
            var (dirty, fileBytes) = UpdateWorkload(store);
            var usage = ((IPageStoreHistory)store).GetUsage();
            var name = kind == "file" ? "history.bytes-retained/dirty-bytes" : $"history.bytes-retained/dirty-bytes.{kind}";
            Console.WriteLine($"ratio {name} = {(double)usage.Bytes / dirty:F3}");
            Console.Error.WriteLine($"  ({kind} store: {usage.Bytes} bytes in {usage.Values} retained values for {dirty} dirty page bytes over 500 commits)");
            if (baseline is not null)
            {
                using var none = baseline();
                var (_, baselineBytes) = UpdateWorkload(none);
                Console.WriteLine($"ratio history.file-growth/dirty-bytes = {(double)(fileBytes - baselineBytes) / dirty:F3}");
                Console.Error.WriteLine($"  (outer file and WAL: {fileBytes} bytes with history, {baselineBytes} without)");
            }
        }
    }

    private static (long DirtyBytes, long FileBytes) UpdateWorkload(IPageStore store)
    {
        using var db = FolioDatabase.Open(store);
        using var c = db.OpenConnection();
        c.Execute("CREATE TABLE t(k INTEGER PRIMARY KEY, v BLOB)");
        c.Execute("INSERT INTO t WITH RECURSIVE s(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM s WHERE k < 20000) SELECT k, zeroblob(80) FROM s");
        var random = new Random(3);
        var pagesBefore = db.Statistics.PagesWritten;
        for (var i = 0; i < 500; i++)
        {
            c.Execute("UPDATE t SET v = randomblob(80) WHERE k IN (?1, ?2, ?3)", random.Next(1, 20001), random.Next(1, 20001), random.Next(1, 20001));
        }
        var dirty = (db.Statistics.PagesWritten - pagesBefore) * (long)PageSize;
        var fileBytes = store is FilePageStore file ? new FileInfo(file.Path).Length + FileLength(file.Path + "-wal") : 0;
        return (dirty, fileBytes);
    }

    private static long FileLength(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;

    /// <summary>A 100 MB file-store database with 50 later commits: open its oldest retained version and read one row.</summary>
    private static void OpenPastVersion(string path)
    {
        using var store = FilePageStore.Open(path, "main", PageSize, new FileStoreOptions { History = Keep, Durable = false });
        using var db = FolioDatabase.Open(store);
        using (var c = db.OpenConnection())
        {
            c.Execute("CREATE TABLE t(k INTEGER PRIMARY KEY, v BLOB)");
            for (var batch = 0; batch < 10; batch++)
            {
                c.Execute($"INSERT INTO t WITH RECURSIVE s(k) AS (SELECT {batch * 10_000 + 1} UNION ALL SELECT k + 1 FROM s WHERE k < {(batch + 1) * 10_000}) SELECT k, randomblob(1000) FROM s");
            }
        }
        var past = db.Bookmark;
        using (var c = db.OpenConnection())
        {
            for (var i = 0; i < 50; i++)
            {
                c.Execute("UPDATE t SET v = randomblob(1000) WHERE k % 50 = ?1", i);
            }
        }
        var megabytes = store.GetHead().PageCount * PageSize / 1e6;
        var samples = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var watch = Stopwatch.StartNew();
            using var view = db.OpenAt(past);
            using var connection = view.OpenConnection();
            connection.ExecuteScalar("SELECT length(v) FROM t WHERE k = ?1", 12_345 + i);
            samples.Add(watch.Elapsed.TotalMilliseconds);
        }
        samples.Sort();
        QuickHarness.Figure("history.open-past-version-ms", samples[samples.Count / 2],
            $"median of 5: open a view 50 versions back on a {megabytes:F0} MB file-store database and read one row");
    }
}
