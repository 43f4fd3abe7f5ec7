using System.Diagnostics;
using Folio.Redis;
using Folio.Testing;
using Folio.Storage;

namespace Folio.Benchmarks;

/// <summary>
/// The TPC-C-like mix (<see cref="TpccWorkload"/>) on a loopback redis-server of the run's own:
/// the original per-page GET/SET design with its cache of loaded pages, against Folio's Redis
/// store shared and owned. Each loads its own copy of the database, then runs the same
/// transactions; round trips come from the stores' own counters.
/// </summary>
/// <remarks>
/// The naive design runs its write transactions by hand on the sync path, as the seed did. Folio
/// runs them through <see cref="FolioConnection.TransactionAsync"/>, its retrying transaction API,
/// on which a write on a warm cache skips the read start; <c>folio-sync</c> is Folio shared with
/// the transactions written by hand, as the naive design runs them.
/// </remarks>
public static class TpccFigures
{
    /// <summary>Folio's page cache holds the whole database, as the baseline's own cache does.</summary>
    public const int CachePages = 8192;

    public static void Run(int transactions)
    {
        using var server = RedisServer.Start();
        using var redis = RedisPageStore.Connect(server.Configuration);

        var naiveStore = new NaiveRedisPageStore(redis.GetDatabase(), "tpcc-naive-" + Guid.NewGuid().ToString("N"), cachePages: true);
        var naive = Measure("naive", naiveStore, new FolioOptions { CachePages = 0 }, () => naiveStore.RoundTrips, transactions, null);

        var sharedSync = RedisPageStore.Open(redis, "tpcc-shared-sync-" + Guid.NewGuid().ToString("N"));
        var folioSync = Measure("folio-sync", sharedSync, new FolioOptions { CachePages = CachePages }, () => sharedSync.RoundTrips, transactions, null);

        var shared = RedisPageStore.Open(redis, "tpcc-shared-" + Guid.NewGuid().ToString("N"));
        var folio = Measure("folio", shared, new FolioOptions { CachePages = CachePages }, () => shared.RoundTrips, transactions, TpccWorkload.ThroughTransactionAsync);

        var owned = RedisPageStore.Open(redis, "tpcc-owned-" + Guid.NewGuid().ToString("N"), options: new RedisStoreOptions { Owned = true });
        var folioOwned = Measure("folio-owned", owned, new FolioOptions { CachePages = CachePages }, () => owned.RoundTrips, transactions, TpccWorkload.ThroughTransactionAsync);

        Console.WriteLine($"ratio redis.roundtrips.naive/folio = {(double)naive / folio:F2}");
        Console.WriteLine($"ratio redis.roundtrips.naive/folio-sync = {(double)naive / folioSync:F2}");
        Console.WriteLine($"ratio redis.roundtrips.naive/folio-owned = {(double)naive / folioOwned:F2}");
        Console.Error.WriteLine($"  (TPC-C-like mix of {transactions} transactions: naive {naive} round trips, Folio {folio}, Folio with hand-written transactions {folioSync}, Folio owned {folioOwned}; goal >= 10)");
    }

    /// <summary>Loads the database on <paramref name="store"/>, runs the mix, prints its rate and returns its round trips.</summary>
    private static long Measure(string variant, IPageStore store, FolioOptions options, Func<long> roundTrips, int transactions, Action<FolioConnection, Action>? writeTransactions)
    {
        using var db = FolioDatabase.Open(store, options, ownsStore: true);
        using var connection = db.OpenConnection();
        TpccWorkload.Load(connection);
        var bytes = TpccWorkload.Bytes(connection);
        if (bytes < 10 << 20)
        {
            throw new InvalidOperationException($"the TPC-C-like database on {variant} is {bytes} bytes, under 10 MB");
        }
        var workload = new TpccWorkload(connection, writeTransactions);
        var trips = roundTrips();
        var watch = Stopwatch.StartNew();
        workload.Run(transactions);
        var seconds = watch.Elapsed.TotalSeconds;
        trips = roundTrips() - trips;
        QuickHarness.Figure($"tpcc.{variant}.tx-per-s", transactions / seconds,
            $"{transactions} transactions in {seconds:F2} s on {bytes / 1e6:F1} MB, {(double)trips / transactions:F2} round trips each");
        return trips;
    }
}
