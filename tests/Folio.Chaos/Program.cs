using System.Diagnostics;
using System.Globalization;
using Folio;
using Folio.Chaos;

// The chaos harness (see docs/reliability.md):
//
//   Folio.Chaos --quick                    70 s of faults: redis-server (shared and owned), the file store, Garnet
//   Folio.Chaos --minutes N [--stores redis,redis-owned,file,garnet] [--seed N] [--faults kind,kind] [--unmanaged-failover]
//   Folio.Chaos client <store spec> <database> <model> <client id> [--mark-commits]   (a child client)
//
// Prints one line per store, any anomaly with the operations that show it, then
// "chaos: N ops, N faults (kind=N, …), N unknown, N anomalies". Exits 1 on any anomaly.
// The history's lines and the output are read back by programs: no culture-dependent numbers.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (args is ["client", var spec, var database, var model, var id, .. var rest])
{
    return ChildMain(spec, database, model, int.Parse(id, CultureInfo.InvariantCulture), rest.Contains("--mark-commits"));
}

TimeSpan total;
var stores = new[] { "redis", "redis-owned", "file", "garnet" };
var seed = Environment.TickCount;
var managedFailover = true;
try
{
    (total, stores, seed, managedFailover) = Options(args, stores, seed);
}
catch (FormatException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine("usage: Folio.Chaos --quick | --minutes N  [--stores redis,redis-owned,file,garnet] [--seed N] [--faults kind,kind] [--unmanaged-failover]");
    return 2;
}

// redis-server gets the longest share: it has the most kinds of fault.
var weights = new Dictionary<string, double> { ["redis"] = 0.3, ["redis-owned"] = 0.25, ["file"] = 0.25, ["garnet"] = 0.2 };
var share = stores.Sum(s => weights[s]);
var result = new CheckResult();
var faults = new Dictionary<string, int>();
var ops = 0;
var watch = Stopwatch.StartNew();
Console.WriteLine($"chaos: seed {seed}, {total.TotalSeconds:0} s of faults over {string.Join(", ", stores)}{(managedFailover ? "" : ", failovers unmanaged")}");
foreach (var store in stores)
{
    var duration = total * (weights[store] / share);
    try
    {
        using ChaosRun run = store == "file" ? new FileRun(duration, seed) : new RedisRun(store, duration, seed, managedFailover);
        result.Add(run.Execute(Console.Out));
        ops += run.History.Ops.Count;
        foreach (var (kind, count) in run.Faults)
        {
            faults[kind] = faults.GetValueOrDefault(kind) + count;
        }
    }
    catch (Exception e)
    {
        // The harness itself failed (a server that would not start, a broken child): no verdict.
        Console.Error.WriteLine($"chaos: the {store} run could not be carried out: {e}");
        return 2;
    }
}
foreach (var anomaly in result.Anomalies.Take(20))
{
    Console.WriteLine(anomaly);
}
if (result.Anomalies.Count > 20)
{
    Console.WriteLine($"… and {result.Anomalies.Count - 20} more anomalies");
}
Console.WriteLine($"chaos: took {watch.Elapsed.TotalSeconds:0} s");
Console.WriteLine($"chaos: {ops} ops, {faults.Values.Sum()} faults ({ChaosRun.FaultList(faults)}), {result.Unknown} unknown, {result.Anomalies.Count} anomalies");
return result.Anomalies.Count == 0 ? 0 : 1;

static (TimeSpan Total, string[] Stores, int Seed, bool ManagedFailover) Options(string[] args, string[] stores, int seed)
{
    TimeSpan? total = null;
    var managed = true;
    for (var i = 0; i < args.Length; i++)
    {
        switch (args[i])
        {
            case "--quick":
                total = TimeSpan.FromSeconds(70);
                break;
            case "--minutes" when i + 1 < args.Length && double.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var minutes) && minutes > 0:
                total = TimeSpan.FromMinutes(minutes);
                i++;
                break;
            case "--stores" when i + 1 < args.Length:
                stores = args[++i].Split(',');
                if (stores.Length == 0 || stores.Any(s => s is not ("redis" or "redis-owned" or "file" or "garnet")))
                {
                    throw new FormatException($"--stores takes redis, redis-owned, file and garnet, not '{args[i]}'");
                }
                break;
            case "--seed" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var s):
                seed = s;
                i++;
                break;
            case "--faults" when i + 1 < args.Length:
                ChaosRun.OnlyFaults = args[++i].Split(',').ToHashSet();
                break;
            case "--unmanaged-failover":
                managed = false;
                break;
            default:
                throw new FormatException($"unknown argument '{args[i]}'");
        }
    }
    return (total ?? throw new FormatException("give --quick or --minutes N"), stores, seed, managed);
}

static int ChildMain(string spec, string database, string model, int client, bool markCommits)
{
    var output = Console.Out;
    var stop = false;
    // The harness closes this process's stdin to stop it after the current transaction.
    var stdin = new Thread(() =>
    {
        Console.In.ReadToEnd();
        Volatile.Write(ref stop, true);
    }) { IsBackground = true };
    stdin.Start();
    FolioDatabase? db = null;
    FolioConnection Open()
    {
        if (db is null)
        {
            var store = Stores.Open(spec, database);
            db = FolioDatabase.Open(markCommits ? new CommitMarkingStore(store, output) : store, ownsStore: true);
        }
        return db.OpenConnection();
    }
    void Reset()
    {
        db?.Dispose();
        db = null;
    }
    ClientLoop.Run(Open, Reset, database, model, client, new LineRecorder(output), () => Volatile.Read(ref stop));
    db?.Dispose();
    Stores.CloseConnections();
    return 0;
}
