using Folio.Storage;
using Folio.Testing;
using NUnit.Framework;

namespace Folio.Torture.Tests;

/// <summary>The stores the fault sweep runs on.</summary>
public enum StoreKind
{
    Memory,
    File,
}

/// <summary>
/// Fails each store operation of a scripted workload in turn (operation 1 in the first run,
/// operation 2 in the next, and so on to the last). After every failure the stored pages must be
/// exactly the state before or after the failed transaction, never in between; the database must
/// reopen with integrity ok; and the failed connection itself must carry on, so that finishing the
/// workload on it gives byte for byte the pages of a run that never failed.
/// </summary>
[TestFixture(StoreKind.Memory, true)]
[TestFixture(StoreKind.Memory, false)]
[TestFixture(StoreKind.File, true)]
[TestFixture(StoreKind.File, false)]
public class FaultSweepTests(StoreKind kind, bool pageCache)
{
    private string _directory = null!;
    private int _stores;

    // Snapshots of a fault-free run: [0] before anything, [i + 1] after transaction i.
    private List<string> _reference = null!;
    private string _referenceContent = null!;
    private long _referenceOperations;

    [OneTimeSetUp]
    public void RecordReference()
    {
        _directory = Path.Combine(Path.GetTempPath(), "folio-fault-sweep", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        var inner = NewStore();
        var counting = new FaultInjectingPageStore(inner);
        _reference = [Workload.Snapshot(inner)];
        using (var db = Open(counting))
        using (var connection = Workload.Connect(db))
        {
            foreach (var transaction in Workload.Transactions)
            {
                connection.Execute(transaction);
                _reference.Add(Workload.Snapshot(inner));
            }
        }
        _referenceOperations = counting.Operations;
        _referenceContent = Workload.Content(inner);
        inner.Dispose();
        Assert.That(_reference.Distinct().Count(), Is.EqualTo(_reference.Count), "every transaction of the workload must change the store");
        // One store commit per transaction, VACUUM's shrink included: a second commit could fail
        // on its own and leave the store between the transaction's before and after.
        Assert.That(_reference.Select(s => s.Split(' ')[0]), Is.EqualTo(Enumerable.Range(0, _reference.Count).Select(v => $"v{v}")));
        TestContext.Progress.WriteLine($"{kind} store, page cache {(pageCache ? "on" : "off")}: {Workload.Transactions.Count} transactions, {_referenceOperations} store operations");
    }

    [OneTimeTearDown]
    public void DeleteFiles()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS temp cleaner.
        }
    }

    [Test]
    public void EachStoreOperationFailingLeavesTheStateBeforeOrAfterItsTransaction()
    {
        var outcomes = new Dictionary<string, int>();
        for (long n = 1; n <= _referenceOperations; n++)
        {
            var outcome = RunWithFailingOperation(n);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }
        TestContext.Out.WriteLine(string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key}: {o.Value}")));
        Assert.That(outcomes.Keys, Does.Contain("before"), "some failures must have undone their transaction");
    }

    [Test]
    public void EachCommitRefusedLeavesTheStateBeforeItsTransaction()
    {
        for (var i = 0; i < Workload.Transactions.Count; i++)
        {
            var inner = NewStore();
            try
            {
                var faulty = new FaultInjectingPageStore(inner);
                using var db = Open(faulty);
                using var connection = Workload.Connect(db);
                for (var j = 0; j < i; j++)
                {
                    connection.Execute(Workload.Transactions[j]);
                }
                faulty.FailCommits = true;
                var error = Assert.Throws<FolioException>(() => connection.Execute(Workload.Transactions[i]), $"transaction {i} with its commit refused");
                faulty.FailCommits = false;
                Assert.That(Workload.Snapshot(inner), Is.EqualTo(_reference[i]), $"transaction {i}: the refused commit changed the store ({error!.Message})");
                CarryOn(connection, inner, i, $"commit of transaction {i} refused");
            }
            finally
            {
                inner.Dispose();
            }
        }
    }

    /// <summary>Runs the workload with operation <paramref name="n"/> failing; returns "before", "after" or "absorbed".</summary>
    private string RunWithFailingOperation(long n)
    {
        var inner = NewStore();
        FolioDatabase? db = null;
        try
        {
            var faulty = new FaultInjectingPageStore(inner) { FailOperation = n };
            FolioConnection? connection = null;
            var failedAt = -1;
            Exception? error = null;
            try
            {
                db = Open(faulty); // reads the head (the database's identity): a store operation too
                connection = Workload.Connect(db);
                for (var i = 0; i < Workload.Transactions.Count; i++)
                {
                    try
                    {
                        connection.Execute(Workload.Transactions[i]);
                    }
                    catch (FolioException e)
                    {
                        failedAt = i;
                        error = e;
                        break;
                    }
                }
            }
            catch (Exception e) when (e is FolioException or IOException)
            {
                error = e; // opening the database or the connection failed (the store's own exception): nothing ran
                failedAt = 0;
            }
            var where = $"operation {n} failing";
            Assert.That(faulty.InjectedFaults, Is.EqualTo(1), $"{where}: the fault never fired");
            var state = Workload.Snapshot(inner);
            if (failedAt < 0)
            {
                // The failure did not reach the caller (SQLite retried or did without): all of it must have happened.
                Assert.That(state, Is.EqualTo(_reference[^1]), $"{where}: no transaction failed, but the store is not the finished workload's");
                return "absorbed";
            }
            var before = _reference[failedAt];
            var after = _reference[failedAt + 1];
            Assert.That(state, Is.EqualTo(before).Or.EqualTo(after),
                $"{where}: transaction {failedAt} failed ({error!.Message}) and left the store between its before ({before}) and after ({after}) states");

            // A restarted process sees a sound database.
            using (var reopened = Open(inner))
            using (var fresh = reopened.OpenConnection())
            {
                Assert.That(fresh.ExecuteScalar("PRAGMA integrity_check"), Is.EqualTo("ok"), $"{where}: integrity_check after reopening");
            }

            // The connection that saw the failure carries on where the store is.
            db ??= Open(faulty);
            connection ??= Workload.Connect(db);
            CarryOn(connection, inner, state == before ? failedAt : failedAt + 1, where);
            connection.Dispose();
            return state == before ? "before" : "after";
        }
        finally
        {
            db?.Dispose();
            inner.Dispose();
        }
    }

    /// <summary>Checks the connection, runs the rest of the workload on it, and compares with the fault-free run.</summary>
    private void CarryOn(FolioConnection connection, IPageStore inner, int next, string where)
    {
        if (SQLitePCL.raw.sqlite3_get_autocommit(connection.Handle) == 0)
        {
            connection.Execute("ROLLBACK");
        }
        Assert.That(connection.ExecuteScalar("PRAGMA integrity_check"), Is.EqualTo("ok"), $"{where}: integrity_check on the connection that failed");
        for (var i = next; i < Workload.Transactions.Count; i++)
        {
            connection.Execute(Workload.Transactions[i]);
        }
        Assert.That(Workload.Content(inner), Is.EqualTo(_referenceContent), $"{where}: finishing the workload from transaction {next} gave other pages than the fault-free run");
    }

    private IPageStore NewStore()
    {
        var number = Interlocked.Increment(ref _stores);
        return kind switch
        {
            StoreKind.Memory => new MemoryPageStore($"sweep-{Guid.NewGuid():N}"),
            // No fsync: this test is about atomicity, and a thousand durable runs would be slow.
            StoreKind.File => FilePageStore.Open(Path.Combine(_directory, $"run{number}.folio"), "main", PageSizes.Default, new FileStoreOptions { Durable = false }),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    // Without Folio's page cache every page SQLite reads is a store operation that can fail.
    private FolioDatabase Open(IPageStore store) =>
        FolioDatabase.Open(store, new FolioOptions { Name = $"sweep-{Guid.NewGuid():N}", CachePages = pageCache ? 2048 : 0 });
}
