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
    }

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

        CodecFigures.Run();
        RedisFigures.Run();
        RedisFigures.RunOwned();
        TpccFigures.Run(transactions: 500);
        ConcurrencyFigures.Run(callers: 200, databases: 50);
        ApiLoadFigures.Run();
    }
}
