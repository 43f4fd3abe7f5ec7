using BenchmarkDotNet.Running;
using Folio.Benchmarks;

// --quick: every figure from the interleaved harness in under a minute.
// --memory: the memory store's read and commit ratios alone, with more batches.
// --loop KIND N: one memory-store operation N times (for perf stat; see QuickRun.Loop).
// --codec: the page codec figures alone (also part of --quick).
// --concurrency: 1,000 concurrent callers over 200 owned Redis databases, async against sync (minutes).
// --api: the TodoApi load run alone (64 clients x 500 requests).
// --scaling: the parallel point-read figures alone.
// --history: the time-travel figures alone (also part of --quick).
// --layout: the file store's outer layout figures alone (also part of --quick).
// --file-reads: the file store's point-read figure alone (also part of --quick).
// --file-commits: the file store's durable commit figure alone, with the default history and without.
// --redis: the Redis round-trip and byte figures alone (shared and owned).
// --tpcc: the TPC-C-like mix on Redis alone (naive per-page design, Folio shared and owned).
// --scale: the 1 GB file-store run (minutes; not part of CI).
// anything else: the BenchmarkDotNet suite (BenchmarkSwitcher arguments, e.g. --filter '*' --inProcess).
if (args.Contains("--quick"))
{
    QuickRun.Run();
    return 0;
}
if (args.Contains("--memory"))
{
    QuickRun.RunMemory();
    return 0;
}
if (args.Length == 3 && args[0] == "--loop")
{
    QuickRun.Loop(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
    return 0;
}
if (args.Contains("--codec"))
{
    CodecFigures.Run(); // the page codec figures alone (part of --quick)
    return 0;
}
if (args.Contains("--concurrency"))
{
    ConcurrencyFigures.Run(callers: 1000, databases: 200);
    return 0;
}
if (args.Contains("--scaling"))
{
    using var workloads = new Workloads();
    ScalingFigures.Run(workloads);
    return 0;
}
if (args.Contains("--file-reads"))
{
    using var workloads = new Workloads();
    var folioFile = workloads.FolioFile();
    var nativeFile = workloads.NativeFile("DELETE", "FULL");
    QuickHarness.Ratio("read.folio-file/native-file", () => folioFile.PointRead(), () => nativeFile.PointRead(), 10_000);
    return 0;
}
if (args.Contains("--file-commits"))
{
    FileCommitFigures.Run();
    return 0;
}
if (args.Contains("--layout"))
{
    using var workloads = new Workloads();
    FileLayoutFigures.Run(workloads);
    return 0;
}
if (args.Contains("--history"))
{
    HistoryFigures.Run();
    return 0;
}
if (args.Contains("--redis"))
{
    RedisFigures.Run();
    RedisFigures.RunOwned();
    return 0;
}
if (args.Contains("--tpcc"))
{
    TpccFigures.Run(transactions: 2000);
    return 0;
}
if (args.Contains("--api"))
{
    ApiLoadFigures.Run();
    return 0;
}
if (args.Contains("--scale"))
{
    ScaleRun.Run(args);
    return 0;
}
BenchmarkSwitcher.FromAssembly(typeof(Workloads).Assembly).Run(args);
return 0;
