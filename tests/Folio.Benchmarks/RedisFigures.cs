using Folio.Redis;
using Folio.Redis.Tests.Infrastructure;
using Folio.Testing;
using Folio.Storage;
using StackExchange.Redis;

namespace Folio.Benchmarks;

/// <summary>
/// Round trips and bytes on a loopback redis-server of the run's own, from the stores' counters:
/// Folio's Redis store against a baseline that behaves like the original proof of concept.
/// </summary>
public static class RedisFigures
{
    private const int Transactions = 200;

    public static void Run()
    {
        using var server = RedisServer.Start();
        using var redis = RedisPageStore.Connect(server.Configuration);

        var store = RedisPageStore.Open(redis, "bench-" + Guid.NewGuid().ToString("N"));
        using var db = FolioDatabase.Open(store, ownsStore: true);
        using var folio = Database.Create(db.OpenConnection().Handle, "");
        folio.PointRead(); // warm Folio's page cache

        var trips = store.RoundTrips;
        for (var i = 0; i < Transactions; i++)
        {
            folio.PointRead();
        }
        QuickHarness.Figure("redis.roundtrips-per-warm-read-txn", (double)(store.RoundTrips - trips) / Transactions);

        trips = store.RoundTrips;
        var bytes = store.BytesWritten;
        var pages = db.Statistics.PagesWritten;
        for (var i = 0; i < Transactions; i++)
        {
            folio.SmallInsert("redis " + i);
        }
        QuickHarness.Figure("redis.roundtrips-per-write-txn", (double)(store.RoundTrips - trips) / Transactions);
        var dirtyBytes = (db.Statistics.PagesWritten - pages) * (double)store.PageSize;
        var ratio = (store.BytesWritten - bytes) / dirtyBytes;
        Console.WriteLine($"ratio redis.bytes-written/dirty-bytes = {ratio:F4}");

        // One mixed workload, the same on both: 4 point reads for every small insert.
        trips = store.RoundTrips;
        Mixed(folio);
        var folioTrips = store.RoundTrips - trips;

        var naive = new NaiveRedisPageStore(redis.GetDatabase(), "naive-" + Guid.NewGuid().ToString("N"));
        using var naiveDb = FolioDatabase.Open(naive, new FolioOptions { CachePages = 0 });
        using var baseline = Database.Create(naiveDb.OpenConnection().Handle, "");
        var naiveTrips = naive.RoundTrips;
        Mixed(baseline);
        naiveTrips = naive.RoundTrips - naiveTrips;
        Console.WriteLine($"ratio redis.roundtrips.naive-uncached/folio.point-mix = {(double)naiveTrips / folioTrips:F2}");
        Console.Error.WriteLine($"  (mixed workload of {Transactions} transactions: naive {naiveTrips} round trips, Folio {folioTrips})");
    }

    /// <summary>
    /// An owned, warm database (every page in Folio's page cache): what a point-read and a one-row
    /// write transaction cost in round trips on the async path. Goals: 0 and 1.
    /// </summary>
    public static void RunOwned()
    {
        using var server = RedisServer.Start();
        using var redis = RedisPageStore.Connect(server.Configuration);
        var store = RedisPageStore.Open(redis, "bench-owned-" + Guid.NewGuid().ToString("N"), options: new RedisStoreOptions { Owned = true });
        using var db = FolioDatabase.Open(store, ownsStore: true);
        using var c = db.OpenConnection();
        c.Execute("""
            CREATE TABLE kv(id INTEGER PRIMARY KEY, v TEXT NOT NULL);
            WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < 1000)
            INSERT INTO kv SELECT x, printf('value-%d', x) FROM s;
            """);
        using (var fresh = db.OpenConnection())
        {
            fresh.ExecuteScalar("SELECT sum(length(v)) FROM kv"); // warm: every page through Folio's cache
        }

        var trips = store.RoundTrips;
        for (var i = 0; i < Transactions; i++)
        {
            c.ExecuteScalarAsync($"SELECT v FROM kv WHERE id = {i % 1000 + 1}").AsTask().GetAwaiter().GetResult();
        }
        QuickHarness.Figure("redis.owned.roundtrips-per-read-txn", (double)(store.RoundTrips - trips) / Transactions, "goal 0");

        trips = store.RoundTrips;
        for (var i = 0; i < Transactions; i++)
        {
            c.ExecuteAsync($"UPDATE kv SET v = 'updated-{i}' WHERE id = {i % 1000 + 1}").AsTask().GetAwaiter().GetResult();
        }
        QuickHarness.Figure("redis.owned.roundtrips-per-write-txn", (double)(store.RoundTrips - trips) / Transactions, "goal 1");
    }

    private static void Mixed(Database database)
    {
        for (var i = 0; i < Transactions; i++)
        {
            if (i % 5 == 4)
            {
                database.SmallInsert("mixed " + i);
            }
            else
            {
                database.PointRead();
            }
        }
    }
}

/// <summary>
/// The original per-page design, as a store: one GET per page read, one SET per page written (and
/// one for the file size), no versions, no batching. With Folio's cache off, every page SQLite
/// does not hold itself costs a round trip, as it did there — unless <paramref name="cachePages"/>
/// keeps every page it has loaded or written, as the original did (never invalidated: it assumed
/// one process).
/// </summary>
internal sealed class NaiveRedisPageStore(IDatabase redis, string name, bool cachePages = false) : IPageStore
{
    private readonly Dictionary<long, byte[]>? _cache = cachePages ? [] : null;
    private long _roundTrips;

    // The baseline keeps no identity in Redis: one derived from the name stands for it.
    private readonly StoreLineage _lineage = new(new Guid(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(name))), 0);

    private IDatabase Redis { get; } = redis;

    public long RoundTrips => Interlocked.Read(ref _roundTrips);

    public string Name { get; } = name;

    public int PageSize => 4096;

    public StoreHead GetHead()
    {
        Interlocked.Increment(ref _roundTrips);
        var count = Redis.StringGet(Name + ":size");
        return new StoreHead(0, count.IsNull ? 0 : (long)count, _lineage);
    }

    public IPageStoreReader BeginRead(long knownVersion) => new Reader(this, GetHead().PageCount, _lineage);

    public long Commit(StoreCommit commit)
    {
        foreach (var page in commit.Pages)
        {
            Interlocked.Increment(ref _roundTrips);
            Redis.StringSet($"{Name}:page:{page.Number}", page.Data);
            if (_cache is not null)
            {
                lock (_cache)
                {
                    _cache[page.Number] = page.Data.ToArray();
                }
            }
        }
        Interlocked.Increment(ref _roundTrips);
        Redis.StringSet(Name + ":size", commit.NewPageCount);
        return commit.ExpectedVersion; // no versions: the baseline cannot detect a lost update
    }

    public void Dispose()
    {
    }

    private sealed class Reader(NaiveRedisPageStore store, long pageCount, StoreLineage lineage) : IPageStoreReader
    {
        public StoreLineage Lineage => lineage;

        public long Version => 0;

        public long PageCount => pageCount;

        public IReadOnlyCollection<long>? ChangedPagesSinceKnown => null;

        public int ReadPage(long pageNumber, Span<byte> destination)
        {
            var cache = store._cache;
            byte[]? value = null;
            if (cache is not null)
            {
                lock (cache)
                {
                    cache.TryGetValue(pageNumber, out value);
                }
            }
            if (value is null)
            {
                Interlocked.Increment(ref store._roundTrips);
                value = (byte[]?)store.Redis.StringGet($"{store.Name}:page:{pageNumber}");
                if (value is null)
                {
                    return 0;
                }
                if (cache is not null)
                {
                    lock (cache)
                    {
                        cache[pageNumber] = value;
                    }
                }
            }
            value.CopyTo(destination);
            return value.Length;
        }

        public void Dispose()
        {
        }
    }
}
