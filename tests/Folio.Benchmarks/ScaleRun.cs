using System.Diagnostics;
using Folio.Storage;
using SQLitePCL;

namespace Folio.Benchmarks;

/// <summary>
/// <c>--scale [megabytes...]</c>: builds file-store databases of each size (default 10 and 1024 MB)
/// and reports open time, resident memory with the default cache and random point reads per
/// second, to show the cost does not grow with the database.
/// </summary>
public static class ScaleRun
{
    public static void Run(string[] args)
    {
        var sizes = args.Where(a => int.TryParse(a, out _)).Select(int.Parse).DefaultIfEmpty(10).ToList();
        if (sizes.Count == 1 && sizes[0] == 10 && !args.Any(a => int.TryParse(a, out _)))
        {
            sizes.Add(1024);
        }
        var directory = Path.Combine(Path.GetTempPath(), "folio-scale-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            foreach (var megabytes in sizes)
            {
                Measure(directory, megabytes);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static void Measure(string directory, int megabytes)
    {
        const int rowBytes = 1000;
        var rows = megabytes * 1024L * 1024 / rowBytes;
        var path = Path.Combine(directory, $"scale-{megabytes}.folio");
        using (var store = FilePageStore.Open(path, options: new FileStoreOptions { Durable = false }))
        using (var db = FolioDatabase.Open(store))
        using (var c = db.OpenConnection())
        {
            c.Execute("CREATE TABLE blob(id INTEGER PRIMARY KEY, v BLOB NOT NULL)");
            for (long done = 0; done < rows; done += 10_000)
            {
                c.Execute($"INSERT INTO blob(v) SELECT randomblob({rowBytes}) FROM (WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {Math.Min(10_000, rows - done)}) SELECT n FROM s)");
            }
        }

        var rssBefore = Process.GetCurrentProcess().WorkingSet64;
        var watch = Stopwatch.StartNew();
        using var reopened = FilePageStore.Open(path);
        using var database = FolioDatabase.Open(reopened);
        using var connection = database.OpenConnection();
        connection.ExecuteScalar("SELECT count(*) FROM sqlite_schema");
        var openMs = watch.Elapsed.TotalMilliseconds;

        raw.sqlite3_prepare_v2(connection.Handle, "SELECT length(v) FROM blob WHERE id = ?1", out var statement);
        var random = new Random(1);
        watch.Restart();
        var reads = 0;
        while (watch.Elapsed < TimeSpan.FromSeconds(5))
        {
            raw.sqlite3_bind_int64(statement, 1, random.NextInt64(1, rows + 1));
            raw.sqlite3_step(statement);
            raw.sqlite3_reset(statement);
            reads++;
        }
        statement.Dispose();
        var rss = Process.GetCurrentProcess().WorkingSet64;
        Console.WriteLine($"scale {megabytes} MB: {reopened.GetHead().PageCount} pages, open {openMs:F1} ms, " +
                          $"{reads / watch.Elapsed.TotalSeconds:F0} random point reads/s, resident {rss / 1048576} MB (+{(rss - rssBefore) / 1048576} MB since open)");
    }
}
