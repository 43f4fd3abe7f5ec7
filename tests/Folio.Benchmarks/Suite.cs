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
