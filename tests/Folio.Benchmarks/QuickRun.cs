using Folio.Storage;

namespace Folio.Benchmarks;

/// <summary>The <c>--quick</c> figures.</summary>
public static class QuickRun
{
    /// <summary>The memory store's read and commit figures alone (<c>--memory</c>), with more batches.</summary>
    public static void RunMemory()
    {
        using var workloads = new Workloads();
        var (memory, memdb) = Memory(workloads);
        QuickHarness.Ratio("read.folio-memory/memdb", () => memory.PointRead(), () => memdb.PointRead(), 20_000, 31);
        QuickHarness.Ratio("commit.folio-memory/memdb", () => memory.SmallInsert(workloads.NextPayload()), () => memdb.SmallInsert(workloads.NextPayload()), 2_000, 31);

        // The experiment that bounds the figure above: the same commits on a store whose share is one copy per page.
        var flat = workloads.Folio(new FlatPageStore("flat-" + Guid.NewGuid().ToString("N")));
        QuickHarness.Ratio("commit.folio-flat-store/memdb", () => flat.SmallInsert(workloads.NextPayload()), () => memdb.SmallInsert(workloads.NextPayload()), 2_000, 31);
    }

    /// <summary>
    /// <c>--loop kind count</c>: one operation (folio-read, memdb-read, folio-commit, memdb-commit,
    /// flat-commit on the memory store; file-commit, file-commit-no-history, native-wal-commit on
    /// durable files) <c>count</c> times and nothing else, for a counter such as
    /// <c>perf stat -e instructions:u</c>, which the machine's load does not disturb, or
    /// <c>strace -c -f</c> for the system calls a commit makes.
    /// </summary>
    public static void Loop(string kind, int count)
    {
        using var workloads = new Workloads();
        var (memory, memdb) = Memory(workloads);
        Action operation = kind switch
        {
            "folio-read" => () => memory.PointRead(),
            "memdb-read" => () => memdb.PointRead(),
            "folio-commit" => () => memory.SmallInsert(workloads.NextPayload()),
            "memdb-commit" => () => memdb.SmallInsert(workloads.NextPayload()),
            "flat-commit" => CommitOn(workloads.Folio(new FlatPageStore("flat-" + Guid.NewGuid().ToString("N"))), workloads),
            "file-commit" => CommitOn(workloads.FolioFile(), workloads),
            "file-commit-no-history" => CommitOn(workloads.FolioFile(new FileStoreOptions { History = HistoryRetention.None }), workloads),
            "native-wal-commit" => CommitOn(workloads.NativeFile("WAL", "FULL"), workloads),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "folio-read, memdb-read, folio-commit, memdb-commit, flat-commit, file-commit, file-commit-no-history or native-wal-commit"),
        };
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < count; i++)
        {
            operation();
        }
        if (count > 0)
        {
            QuickHarness.Figure($"loop.{kind}.bytes-allocated-per-op", (double)(GC.GetAllocatedBytesForCurrentThread() - allocated) / count);
        }
    }

    private static Action CommitOn(Database database, Workloads workloads) => () => database.SmallInsert(workloads.NextPayload());

    private static (Database Folio, Database Memdb) Memory(Workloads workloads) => (workloads.FolioMemory(), workloads.Memdb());

    public static void Run()
    {
        QueryFigures.Run();

        using var workloads = new Workloads();

        var (memory, memdb) = Memory(workloads);
        QuickHarness.Ratio("read.folio-memory/memdb", () => memory.PointRead(), () => memdb.PointRead(), 20_000);

        var folioFile = workloads.FolioFile();
        var nativeFile = workloads.NativeFile("DELETE", "FULL");
        QuickHarness.Ratio("read.folio-file/native-file", () => folioFile.PointRead(), () => nativeFile.PointRead(), 10_000);

        QuickHarness.Ratio("commit.folio-memory/memdb", () => memory.SmallInsert(workloads.NextPayload()), () => memdb.SmallInsert(workloads.NextPayload()), 2_000);

        var nativeWal = workloads.NativeFile("WAL", "FULL");
        QuickHarness.Ratio("commit.folio-file/native-delete-full", () => folioFile.SmallInsert(workloads.NextPayload()), () => nativeFile.SmallInsert(workloads.NextPayload()), 40, 9);
        QuickHarness.Ratio("commit.folio-file/native-wal-full", () => folioFile.SmallInsert(workloads.NextPayload()), () => nativeWal.SmallInsert(workloads.NextPayload()), 40, 9);

        ScalingFigures.Run(workloads);
        FileLayoutFigures.Run(workloads);

        CodecFigures.Run();
        HistoryFigures.Run();
        RedisFigures.Run();
        RedisFigures.RunOwned();
        TpccFigures.Run(transactions: 500);
        ConcurrencyFigures.Run(callers: 200, databases: 50);
        ApiLoadFigures.Run();
    }
}
