using Folio.Queries;
using Folio.Storage;
using Folio.Vfs;
using NUnit.Framework;

namespace Folio.Tests.Async;

/// <summary>
/// The asynchronous path on a store that refuses every synchronous call while it runs: reads
/// are fetched and statements run again, commits are staged and awaited, and failures return
/// the process to the last durable version.
/// </summary>
[TestFixture(StoreKind.Memory)]
[TestFixture(StoreKind.File)]
public class AsyncPathTests(StoreKind kind) : StoreTest
{
    private AsyncOnlyStore _store = null!;
    private FolioSession _session = null!;

    [SetUp]
    public void OpenSession()
    {
        _store = new AsyncOnlyStore(Stores.Create(kind));
        _session = Open(_store, cachePages: 16);
        _session.Connection.Execute("PRAGMA cache_size = 10");
        _store.SyncCallsForbidden = true;
    }

    [TearDown]
    public void CloseSession()
    {
        _store.SyncCallsForbidden = false;
        _session.Dispose();
        _store.Dispose();
    }

    [Test]
    public async Task AHundredThousandRowsWithSpillsCommitOnceAndReadBackThroughFetches()
    {
        await Exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
        await Exec("WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < 100000) INSERT INTO t(v) SELECT printf('row-%06d', x) FROM s");
        Assert.That(_store.AsyncCommits, Is.EqualTo(2), "one store commit per statement");

        // The page cache holds 16 pages: the scan misses, fetches and runs again.
        var reads = _store.AsyncPageReads;
        Assert.That(await Scalar("SELECT count(*) FROM t"), Is.EqualTo(100000L));
        // The read-ahead doubles with each fetch of a call: a cold scan of some 500 pages runs its
        // statement a handful of times, not once per 32 pages.
        Assert.That(_store.AsyncPageReads - reads, Is.InRange(1, 8), "batched fetches for the cold scan");
        Assert.That(await Scalar("SELECT v FROM t WHERE id = 77777"), Is.EqualTo("row-077777"));
        Assert.That(_store.AsyncPageReads, Is.GreaterThan(reads), "pages were fetched asynchronously");
        Assert.That(await Scalar("PRAGMA integrity_check"), Is.EqualTo("ok"));
    }

    [Test]
    public async Task ARolledBackTransactionLeavesTheStoreUntouched()
    {
        await Exec("CREATE TABLE t(v INTEGER)");
        var before = _store.Inner.GetHead();
        await Assert.ThrowsAsync<InvalidOperationException>(() => _session.TransactionAsync(_session, async (s, ct) =>
        {
            await s.RunAsync(s, x => x.Connection.Execute("INSERT INTO t VALUES (1)"), ct);
            throw new InvalidOperationException("the work failed");
        }, default));
        Assert.That(_store.Inner.GetHead(), Is.EqualTo(before));
        Assert.That(await Scalar("SELECT count(*) FROM t"), Is.EqualTo(0L));
    }

    [Test]
    public async Task ARefusedCommitReturnsTheProcessToTheLastDurableVersion()
    {
        await Exec("CREATE TABLE t(v INTEGER)");
        await Exec("INSERT INTO t VALUES (1)");
        var before = _store.Inner.GetHead();

        _store.FailNextCommit = new IOException("injected: the store is down");
        var error = (await Assert.ThrowsAsync<FolioException>(() => Exec("INSERT INTO t VALUES (2)")))!;
        Assert.That(error.InnerException, Is.TypeOf<IOException>());
        Assert.That(error.Message, Does.Contain("last durable version"));
        Assert.That(_store.Inner.GetHead(), Is.EqualTo(before), "nothing reached the store");

        // SQLite believed the insert committed: it must have dropped that belief.
        Assert.That(await Scalar("SELECT group_concat(v) FROM t"), Is.EqualTo("1"));
        await Exec("INSERT INTO t VALUES (3)");
        Assert.That(await Scalar("SELECT group_concat(v) FROM t"), Is.EqualTo("1,3"));
    }

    [Test]
    public async Task AConflictIsBusyAndTheTransactionRunsAgain()
    {
        await Exec("CREATE TABLE c(n INTEGER)");
        await Exec("INSERT INTO c VALUES (0)");
        using var other = FolioDatabase.Open(_store.Inner, new FolioOptions { ProcessScope = new object(), Name = _store.Name + "-other" });
        using var otherConnection = other.OpenConnection();

        var runs = 0;
        await _session.TransactionAsync(_session, async (s, ct) =>
        {
            runs++;
            await s.RunAsync(s, x => x.Connection.Execute("UPDATE c SET n = n + 1"), ct);
            if (runs == 1)
            {
                otherConnection.Execute("UPDATE c SET n = n + 100"); // commits first
            }
        }, default);
        Assert.That(runs, Is.GreaterThanOrEqualTo(2), "the lost commit's work ran again (and may run once more if it had to fetch pages)");
        Assert.That(await Scalar("SELECT n FROM c"), Is.EqualTo(101L));
    }

    [Test]
    public async Task CancellingAFetchAppliesNothingAndTheNextCallWorks()
    {
        await Exec("CREATE TABLE t(v TEXT)");
        await Exec("WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < 5000) INSERT INTO t SELECT printf('%0200d', x) FROM s");
        var before = _store.Inner.GetHead();
        _store.ReadGate = new TaskCompletionSource();
        using var cancel = new CancellationTokenSource();
        var call = _session.RunAsync(_session, s => s.Connection.ExecuteScalar("SELECT count(*) FROM t"), cancel.Token).AsTask();
        await Task.Delay(50);
        Assert.That(call.IsCompleted, Is.False, "the call waits for its fetch");
        cancel.Cancel();
        await Assert.ThrowsAsync<TaskCanceledException>(() => call);
        _store.ReadGate = null;
        Assert.That(_store.Inner.GetHead(), Is.EqualTo(before));
        Assert.That(await Scalar("SELECT count(*) FROM t"), Is.EqualTo(5000L));
    }

    [Test]
    public async Task ACommitCancelledBeforeItIsSentIsNotAppliedAndSaysSo()
    {
        await Exec("CREATE TABLE t(v INTEGER)");
        var before = _store.Inner.GetHead();
        _store.CommitGate = new TaskCompletionSource();
        using var cancel = new CancellationTokenSource();
        var call = _session.RunAsync(_session, s => s.Connection.Execute("INSERT INTO t VALUES (1)"), cancel.Token).AsTask();
        await Task.Delay(50);
        cancel.Cancel();
        var error = (await Assert.CatchAsync<OperationCanceledException>(() => call))!;
        Assert.That(error.Message, Does.Contain("nothing was applied"));
        _store.CommitGate = null;
        Assert.That(_store.Inner.GetHead(), Is.EqualTo(before));
        Assert.That(await Scalar("SELECT count(*) FROM t"), Is.EqualTo(0L));
    }

    [Test]
    public async Task ATransactionSpreadOverSeveralCallsFetchesInsideItAndCommitsOnceDurable()
    {
        await Exec("CREATE TABLE t(v TEXT)");
        await Exec("WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < 3000) INSERT INTO t SELECT printf('%0300d', x) FROM s");
        var commits = _store.AsyncCommits;
        var before = _store.Inner.GetHead().Version;

        // BEGIN, a cold scan (misses pages inside the transaction: fetched, the statement runs
        // again, the transaction stays open), a write, and COMMIT: four calls, one transaction.
        await Exec("BEGIN");
        Assert.That(await Scalar("SELECT count(*) FROM t"), Is.EqualTo(3000L));
        await Exec("INSERT INTO t VALUES ('late')");
        Assert.That(_store.Inner.GetHead().Version, Is.EqualTo(before), "nothing is sent before COMMIT");
        await Exec("COMMIT");

        Assert.That(_store.AsyncCommits, Is.EqualTo(commits + 1), "the COMMIT call sent the batch and waited for it");
        Assert.That(_store.Inner.GetHead().Version, Is.EqualTo(before + 1));
        Assert.That(await Scalar("SELECT count(*) FROM t"), Is.EqualTo(3001L));
    }

    [Test]
    public async Task EightConcurrentCallersOnOneObjectAreQueuedNotCorrupted()
    {
        await Exec("CREATE TABLE t(caller INTEGER, i INTEGER)");
        var callers = Enumerable.Range(0, 8).Select(caller => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                await _session.RunAsync((caller, i), s => _session.Connection.Execute($"INSERT INTO t VALUES ({s.caller}, {s.i})"), default);
            }
        }));
        await Task.WhenAll(callers);
        Assert.That(await Scalar("SELECT count(*) FROM t"), Is.EqualTo(200L));
        Assert.That(await Scalar("SELECT count(DISTINCT caller || '-' || i) FROM t"), Is.EqualTo(200L));
        Assert.That(await Scalar("PRAGMA integrity_check"), Is.EqualTo("ok"));
    }

    private static FolioSession Open(IPageStore store, int cachePages) =>
        FolioSession.Open(GeneralVfs.Registration, true, store, store.PageSize, new FolioOptions { CachePages = cachePages }, false, [], 0, "AsyncPathTests");

    private async Task Exec(string sql) => await _session.RunAsync(sql, s => _session.Connection.Execute(s), default);

    private async Task<object?> Scalar(string sql) => await _session.RunAsync(sql, s => _session.Connection.ExecuteScalar(s), default);
}
