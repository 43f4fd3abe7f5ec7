using System.Collections.Concurrent;
using System.Diagnostics;
using StackExchange.Redis;

namespace Folio.Redis.Tests.Infrastructure;

/// <summary>
/// Many owned, warm Redis databases on one multiplexer, each its own <see cref="FolioDatabase"/>
/// and <see cref="FolioConnection"/>, and a workload of concurrent callers over them: caller
/// <c>c</c> works on database <c>c % count</c>; of its calls, one in five inserts a row into
/// <c>w</c> (exactly two of every ten consecutive calls), the others read one row of <c>kv</c>.
/// Used by the blocked-threads test and by the benchmarks' concurrency run.
/// </summary>
internal sealed class OwnedFleet : IDisposable
{
    private const int Rows = 100;
    private readonly List<FolioDatabase> _databases = [];
    private readonly List<FolioConnection> _connections = [];

    private OwnedFleet()
    {
    }

    public IReadOnlyList<FolioConnection> Connections => _connections;

    /// <summary>Creates <paramref name="count"/> owned databases of <see cref="Rows"/> rows each, and reads each whole once (warm).</summary>
    public static async Task<OwnedFleet> OpenAsync(IConnectionMultiplexer redis, int count)
    {
        var fleet = new OwnedFleet();
        var run = Guid.NewGuid().ToString("N");
        for (var i = 0; i < count; i++)
        {
            var store = RedisPageStore.Open(redis, $"fleet-{run}-{i}", options: new RedisStoreOptions { Owned = true });
            var db = FolioDatabase.Open(store, ownsStore: true);
            fleet._databases.Add(db);
            var c = db.OpenConnection();
            fleet._connections.Add(c);
            await c.ExecuteAsync($"""
                CREATE TABLE kv(id INTEGER PRIMARY KEY, v TEXT NOT NULL);
                CREATE TABLE w(caller INTEGER NOT NULL, i INTEGER NOT NULL);
                WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < {Rows})
                INSERT INTO kv SELECT x, printf('value-%d', x) FROM s;
                """);
            using var fresh = db.OpenConnection(); // its SQLite cache is empty: every page passes through Folio's
            await fresh.ExecuteScalarAsync("SELECT sum(length(v)) FROM kv");
            await fresh.ExecuteScalarAsync("SELECT count(*) FROM w");
        }
        return fleet;
    }

    /// <summary>Whether call <paramref name="call"/> of caller <paramref name="caller"/> is a write.</summary>
    public static bool IsWrite(int caller, int call) => (caller * 3 + call) % 5 == 0;

    /// <summary>The rows <see cref="RunAsync"/> inserts into database <paramref name="database"/>.</summary>
    public long ExpectedWrites(int database, int callers, int calls) =>
        Enumerable.Range(0, callers).Where(c => c % _connections.Count == database)
            .Sum(c => Enumerable.Range(0, calls).Count(i => IsWrite(c, i)));

    /// <summary>
    /// Runs <paramref name="callers"/> concurrent callers of <paramref name="calls"/> calls each,
    /// through the async methods, or (<paramref name="useAsync"/> false) the sync ones from as
    /// many thread-pool tasks, each call holding its connection's lock as the async path queues.
    /// </summary>
    public async Task<FleetResult> RunAsync(int callers, int calls, bool useAsync)
    {
        var latencies = new ConcurrentBag<double>();
        var failures = new ConcurrentBag<Exception>();
        var watch = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, callers).Select(caller => useAsync
            ? Task.Run(async () =>
            {
                var c = _connections[caller % _connections.Count];
                for (var i = 0; i < calls; i++)
                {
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        _ = IsWrite(caller, i) ? await c.ExecuteAsync(Write(caller, i)) : await c.ExecuteScalarAsync(Read(caller, i));
                    }
                    catch (Exception e)
                    {
                        failures.Add(e); // counted and asserted by the caller
                    }
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            })
            : Task.Run(() =>
            {
                var c = _connections[caller % _connections.Count];
                for (var i = 0; i < calls; i++)
                {
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        lock (c)
                        {
                            _ = IsWrite(caller, i) ? c.Execute(Write(caller, i)) : c.ExecuteScalar(Read(caller, i));
                        }
                    }
                    catch (Exception e)
                    {
                        failures.Add(e);
                    }
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            })).ToList();
        await Task.WhenAll(tasks);
        return new FleetResult(callers * calls, watch.Elapsed, latencies.Order().ToArray(), failures.ToList());
    }

    private static string Write(int caller, int call) => $"INSERT INTO w VALUES ({caller}, {call})";

    private static string Read(int caller, int call) => $"SELECT v FROM kv WHERE id = {(caller * 7 + call) % Rows + 1}";

    public void Dispose()
    {
        _connections.ForEach(c => c.Dispose());
        _databases.ForEach(d => d.Dispose());
    }
}

/// <summary>What a fleet run did: calls made, how long it took, each call's latency (sorted), what failed.</summary>
internal sealed record FleetResult(int Operations, TimeSpan Elapsed, double[] LatenciesMs, List<Exception> Failures)
{
    /// <summary>Calls that succeeded, per second of the whole run.</summary>
    public double OperationsPerSecond => (Operations - Failures.Count) / Elapsed.TotalSeconds;

    public double Percentile(double p) => LatenciesMs.Length == 0 ? 0 : LatenciesMs[Math.Min(LatenciesMs.Length - 1, (int)Math.Ceiling(p / 100 * LatenciesMs.Length) - 1)];

    /// <summary>Failures that were Redis not answering in time.</summary>
    public int Timeouts => Failures.Count(e => Chain(e).Any(x => x is TimeoutException or RedisTimeoutException));

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            yield return x;
        }
    }
}

/// <summary>
/// Samples the process's thread count every few milliseconds on a thread of its own (started
/// before <see cref="Before"/> is read, so it does not count itself as growth), keeping the peak.
/// </summary>
internal sealed class ThreadPeakSampler : IDisposable
{
    private readonly Thread _thread;
    private volatile bool _stop;
    private int _peak;

    public ThreadPeakSampler()
    {
        _thread = new Thread(Sample) { IsBackground = true, Name = "thread-count sampler" };
        _thread.Start();
        Before = Count();
        _peak = Before;
    }

    /// <summary>The thread count when sampling started (the sampler's own thread included).</summary>
    public int Before { get; }

    public int Peak => Volatile.Read(ref _peak);

    /// <summary>The peak less the count before.</summary>
    public int Growth => Peak - Before;

    public static int Count()
    {
        using var process = Process.GetCurrentProcess();
        return process.Threads.Count;
    }

    private void Sample()
    {
        while (!_stop)
        {
            var count = Count();
            if (count > Volatile.Read(ref _peak))
            {
                Volatile.Write(ref _peak, count);
            }
            Thread.Sleep(3);
        }
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }
}
