using Folio.Storage;
using BenchmarkDotNet.Attributes;

namespace Folio.Benchmarks;

/// <summary>The BenchmarkDotNet suite: the same workloads as <c>--quick</c>, with allocations.</summary>
[MemoryDiagnoser]
public class PointReads
{
    private Workloads _workloads = null!;
    private Database _folioMemory = null!;
    private Database _memdb = null!;
    private Database _folioFile = null!;
    private Database _nativeFile = null!;

    [GlobalSetup]
    public void Setup()
    {
        _workloads = new Workloads();
        _folioMemory = _workloads.FolioMemory();
        _memdb = _workloads.Memdb();
        _folioFile = _workloads.FolioFile();
        _nativeFile = _workloads.NativeFile();
    }

    [GlobalCleanup]
    public void Cleanup() => _workloads.Dispose();

    [Benchmark(Baseline = true)]
    public long Memdb() => _memdb.PointRead();

    [Benchmark]
    public long FolioMemory() => _folioMemory.PointRead();

    [Benchmark]
    public long NativeFile() => _nativeFile.PointRead();

    [Benchmark]
    public long FolioFile() => _folioFile.PointRead();
}

/// <summary>Small insert transactions.</summary>
[MemoryDiagnoser]
public class SmallCommits
{
    private Workloads _workloads = null!;
    private Database _folioMemory = null!;
    private Database _memdb = null!;
    private Database _folioFile = null!;
    private Database _nativeDelete = null!;
    private Database _nativeWal = null!;

    [GlobalSetup]
    public void Setup()
    {
        _workloads = new Workloads();
        _folioMemory = _workloads.FolioMemory();
        _memdb = _workloads.Memdb();
        _folioFile = _workloads.FolioFile();
        _nativeDelete = _workloads.NativeFile("DELETE", "FULL");
        _nativeWal = _workloads.NativeFile("WAL", "FULL");
    }

    [GlobalCleanup]
    public void Cleanup() => _workloads.Dispose();

    [Benchmark(Baseline = true)]
    public void Memdb() => _memdb.SmallInsert(_workloads.NextPayload());

    [Benchmark]
    public void FolioMemory() => _folioMemory.SmallInsert(_workloads.NextPayload());

    [Benchmark]
    public void FolioFile() => _folioFile.SmallInsert(_workloads.NextPayload());

    [Benchmark]
    public void NativeDeleteFull() => _nativeDelete.SmallInsert(_workloads.NextPayload());

    [Benchmark]
    public void NativeWalFull() => _nativeWal.SmallInsert(_workloads.NextPayload());
}

/// <summary>The TPC-C-like mix, one transaction per operation, on the memory store and on Redis (shared and owned).</summary>
[MemoryDiagnoser]
public class TpccMix
{
    private readonly List<IDisposable> _owned = [];
    private TpccWorkload _memory = null!;
    private TpccWorkload _redisShared = null!;
    private TpccWorkload _redisOwned = null!;

    [GlobalSetup]
    public void Setup()
    {
        var server = Own(Folio.Testing.RedisServer.Start());
        var redis = Own(Folio.Redis.RedisPageStore.Connect(server.Configuration));
        _memory = Open(new MemoryPageStore("tpcc-" + Guid.NewGuid().ToString("N")));
        _redisShared = Open(Folio.Redis.RedisPageStore.Open(redis, "tpcc-shared-" + Guid.NewGuid().ToString("N")));
        _redisOwned = Open(Folio.Redis.RedisPageStore.Open(redis, "tpcc-owned-" + Guid.NewGuid().ToString("N"), options: new Folio.Redis.RedisStoreOptions { Owned = true }));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }
    }

    [Benchmark(Baseline = true)]
    public void Memory() => _memory.Next();

    [Benchmark]
    public void RedisShared() => _redisShared.Next();

    [Benchmark]
    public void RedisOwned() => _redisOwned.Next();

    private TpccWorkload Open(IPageStore store)
    {
        var db = Own(FolioDatabase.Open(store, new FolioOptions { CachePages = TpccFigures.CachePages }, ownsStore: true));
        var connection = Own(db.OpenConnection());
        TpccWorkload.Load(connection);
        return new TpccWorkload(connection);
    }

    private T Own<T>(T disposable) where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }
}
