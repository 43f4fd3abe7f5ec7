using System.Collections.Concurrent;
using System.Diagnostics;
using Folio.Storage;
using Folio.Testing;

namespace Folio.Chaos;

/// <summary>
/// One run of the harness on one kind of store: three databases (two list-append, one bank),
/// clients as threads of this process and as child processes, faults injected at random
/// intervals until the time is up, then every client stopped, the faults healed, each database
/// read a last time and its history checked.
/// </summary>
internal abstract class ChaosRun(string name, TimeSpan duration, int seed) : IDisposable
{
    private static int s_nextClient;
    private readonly List<(ChildClient Child, int Slot)> _children = [];
    private readonly List<FaultInjectingPageStore> _injected = [];
    private volatile bool _stop;

    public static readonly string[] Databases = ["la-0", "la-1", "bank"];

    /// <summary>The only fault kinds to inject (<c>--faults</c>); null for all a run takes.</summary>
    public static IReadOnlySet<string>? OnlyFaults { get; set; }

    public string Name { get; } = name;

    public History History { get; } = new();

    public ConcurrentDictionary<string, int> Faults { get; } = new();

    protected Random Random { get; } = new(seed);

    /// <summary>The store spec the clients open (<see cref="Stores.Open"/>).</summary>
    protected abstract string ClientSpec { get; }

    /// <summary>The faults this store can take: a name and an action that injects one, false when it could not.</summary>
    protected abstract IReadOnlyList<(string Kind, Func<bool> Inject)> FaultKinds { get; }

    protected virtual int ThreadClients => 4;

    protected virtual int ChildClients => 3;

    protected virtual bool MarkCommits => false;

    /// <summary>Whether reads must see everything reads that ended before them saw (see <see cref="ListAppendChecker.Check"/>).</summary>
    protected virtual bool RealTimeReads => true;

    /// <summary>The store, opened directly (no fault in the way), for the schema and the final read.</summary>
    protected abstract IPageStore OpenDirect(string database);

    /// <summary>Ends every fault still on before the final read.</summary>
    protected abstract void Heal();

    protected static string Model(string database) => database.StartsWith("la", StringComparison.Ordinal) ? Workload.ListAppend : Workload.Bank;

    public CheckResult Execute(TextWriter log)
    {
        foreach (var database in Databases)
        {
            using var db = FolioDatabase.Open(OpenDirect(database), ownsStore: true);
            using var c = db.OpenConnection();
            c.Execute(Workload.Schema(Model(database)));
        }
        var threads = new List<Thread>();
        var opened = new ConcurrentBag<FolioDatabase>();
        // One more thread than ThreadClients: its store fails operations by injection.
        for (var i = 0; i <= ThreadClients; i++)
        {
            var database = Databases[i % Databases.Length];
            var client = Interlocked.Increment(ref s_nextClient);
            var injected = i == ThreadClients;
            FolioDatabase? db = null;
            FolioConnection Open()
            {
                if (db is null)
                {
                    var store = Stores.Open(ClientSpec, database);
                    if (injected)
                    {
                        var faulty = new FaultInjectingPageStore(store);
                        lock (_injected)
                        {
                            _injected.Add(faulty);
                        }
                        store = faulty;
                    }
                    db = FolioDatabase.Open(store, ownsStore: true);
                    opened.Add(db);
                }
                return db.OpenConnection();
            }
            var recorder = new HistoryRecorder(History, client);
            void Reset()
            {
                db?.Dispose();
                db = null;
            }
            var thread = new Thread(() => ClientLoop.Run(Open, Reset, database, Model(database), client, recorder, () => _stop)) { Name = $"chaos client {client}" };
            threads.Add(thread);
            thread.Start();
        }
        for (var i = 0; i < ChildClients; i++)
        {
            StartChild(i);
        }

        var watch = Stopwatch.StartNew();
        var kinds = FaultKinds.Append(("inject", Inject)).Append(("pause-client", PauseClient))
            .Where(k => OnlyFaults is null || OnlyFaults.Contains(k.Kind)).ToList();
        if (kinds.Count == 0)
        {
            kinds.Add(("none", () => false));
        }
        while (watch.Elapsed < duration)
        {
            Thread.Sleep(Random.Next(50, 250));
            var (kind, inject) = kinds[Random.Next(kinds.Count)];
            if (inject())
            {
                Faults.AddOrUpdate(kind, 1, (_, n) => n + 1);
            }
        }

        _stop = true;
        List<ChildClient> children;
        lock (_children)
        {
            children = _children.Select(c => c.Child).ToList();
        }
        Parallel.ForEach(children, child => child.Stop(TimeSpan.FromSeconds(15)));
        foreach (var thread in threads)
        {
            thread.Join();
        }
        foreach (var db in opened)
        {
            db.Dispose();
        }
        var injectedFaults = _injected.Sum(s => s.InjectedFaults);
        if (injectedFaults > 0)
        {
            Faults["inject"] = injectedFaults;
        }
        foreach (var child in children.Where(c => c.ProtocolError is not null))
        {
            throw new InvalidOperationException($"{Name}: child client {child.Client} broke the protocol: {child.ProtocolError}");
        }
        Heal();
        return Check(log);
    }

    private CheckResult Check(TextWriter log)
    {
        var result = new CheckResult();
        var ops = History.Ops;
        foreach (var database in Databases)
        {
            using var db = FolioDatabase.Open(OpenDirect(database), ownsStore: true);
            using var c = db.OpenConnection();
            var mine = ops.Where(op => op.Database == database).ToList();
            var name = $"{Name}/{database}";
            var gone = false;
            try
            {
                if (Model(database) == Workload.ListAppend)
                {
                    result.Add(ListAppendChecker.Check(name, mine, Workload.ReadLists(c), RealTimeReads));
                }
                else
                {
                    var (balances, transfers) = Workload.ReadBank(c);
                    result.Add(BankChecker.Check(name, mine, Workload.InitialBalance, balances, transfers));
                }
            }
            catch (FolioException e) when (e.SqliteMessage.StartsWith("no such table", StringComparison.Ordinal))
            {
                gone = true;
                result.Anomalies.Add(new Anomaly("lost-database", name, $"the final read found no schema: the store lost the whole database ({e.Message})", []));
            }
            if (gone)
            {
                // What the loss costs: every acknowledged write is missing from an empty final state.
                result.Add(Model(database) == Workload.ListAppend
                    ? ListAppendChecker.Check(name, mine, new Dictionary<int, IReadOnlyList<long>>(), RealTimeReads)
                    : BankChecker.Check(name, mine, Workload.InitialBalance, new long[Workload.Accounts], []));
            }
        }
        var outcomes = ops.GroupBy(op => op.Outcome).OrderBy(g => g.Key).Select(g => $"{g.Key.ToString().ToLowerInvariant()}={g.Count()}");
        foreach (var group in ops.Where(op => op.Outcome != Outcome.Ok).GroupBy(op => (op.Outcome, Error: Gist(op.Error))).OrderByDescending(g => g.Count()).Take(6))
        {
            log.WriteLine($"  {Name} {group.Key.Outcome.ToString().ToLowerInvariant()} x{group.Count()}: {group.Key.Error}");
        }
        log.WriteLine($"{Name}: {ops.Count} ops ({string.Join(", ", outcomes)}), faults {FaultList(Faults)}, " +
                      $"{result.Unknown} unknown ({result.UnknownApplied} applied, {result.UnknownNotApplied} not), {result.Anomalies.Count} anomalies");
        return result;
    }

    /// <summary>An error's kind without its numbers (versions, ports, timings), to group errors by.</summary>
    private static string Gist(string? error) =>
        error is null ? "(killed or stopped before it ended)" : System.Text.RegularExpressions.Regex.Replace(error.Length > 160 ? error[..160] : error, "[0-9]+", "N");

    public static string FaultList(IReadOnlyDictionary<string, int> faults) =>
        string.Join(", ", faults.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));

    /// <summary>Starts child client number <paramref name="slot"/> (a new client id each time).</summary>
    private void StartChild(int slot)
    {
        var database = Databases[(slot + 1) % Databases.Length];
        var child = ChildClient.Start(History, ClientSpec, database, Model(database), Interlocked.Increment(ref s_nextClient), MarkCommits);
        lock (_children)
        {
            _children.Add((child, slot));
        }
    }

    /// <summary>A running child client picked at random, or null when none is.</summary>
    protected (ChildClient Child, int Slot)? RandomChild()
    {
        lock (_children)
        {
            var live = _children.Where(p => !p.Child.HasExited).ToList();
            return live.Count == 0 ? null : live[Random.Next(live.Count)];
        }
    }

    /// <summary>Arms the injecting store to fail one of its next few operations (counted when it does, at the end).</summary>
    private bool Inject()
    {
        lock (_injected)
        {
            foreach (var store in _injected)
            {
                store.FailOperation = store.Operations + Random.Next(1, 6);
            }
        }
        return false;
    }

    /// <summary>Stops a child client (SIGSTOP) for a moment, whatever it holds, then lets it go on (SIGCONT).</summary>
    private bool PauseClient()
    {
        if (RandomChild() is not { } picked)
        {
            return false;
        }
        return picked.Child.Pause(TimeSpan.FromMilliseconds(Random.Next(100, 600)));
    }

    /// <summary>SIGKILLs a child client at a random moment and starts another in its place.</summary>
    protected bool KillClient()
    {
        if (RandomChild() is not { } picked)
        {
            return false;
        }
        picked.Child.Kill();
        StartChild(picked.Slot);
        return true;
    }

    /// <summary>SIGKILLs a child client as its store starts a commit, and starts another in its place.</summary>
    protected bool KillInCommit()
    {
        if (RandomChild() is not { } picked)
        {
            return false;
        }
        var killed = picked.Child.KillAtNextCommit(TimeSpan.FromSeconds(3));
        picked.Child.Kill();
        StartChild(picked.Slot);
        return killed;
    }

    public virtual void Dispose()
    {
        lock (_children)
        {
            _children.ForEach(c => c.Child.Dispose());
        }
    }
}
