using Folio.Queries;
using Folio.Redis.Tests.Infrastructure;
using NUnit.Framework;
using StackExchange.Redis;

namespace Folio.Redis.Tests.Async;

/// <summary>
/// The asynchronous path (<see cref="FolioConnection.ExecuteAsync"/> and its siblings) on a real
/// redis-server of the fixture's own, shared and owned: spills and fetches, rollback, a commit
/// that fails because Redis is down, conflicts retried, cancellation while a fetch waits on Redis.
/// </summary>
[TestFixture(false)]
[TestFixture(true)]
public sealed class AsyncRedisTests(bool owned)
{
    private RedisServer _server = null!;
    private ConnectionMultiplexer _redis = null!;
    private ConnectionMultiplexer _inspect = null!; // the tests' own look at the keys, apart from the store's connection
    private string _name = null!;
    private RedisPageStore _store = null!;
    private FolioDatabase _db = null!;
    private FolioConnection _c = null!;

    [OneTimeSetUp]
    public void StartServer()
    {
        _server = RedisServer.Start();
        // The store's connection fails fast (the outage tests wait for that); the tests' own
        // inspection does not: on two busy cores a reply can wait a second for a pool thread.
        _redis = RedisPageStore.Connect(_server.Configuration, new RedisStoreOptions { CommandTimeout = TimeSpan.FromSeconds(1) });
        _inspect = RedisPageStore.Connect(_server.Configuration, new RedisStoreOptions { CommandTimeout = TimeSpan.FromSeconds(15) });
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _redis.Dispose();
        _inspect.Dispose();
        _server.Dispose();
    }

    [SetUp]
    public void Open()
    {
        if (!_server.IsRunning)
        {
            RestartRedis();
        }
        _name = SharedRedis.NewName(owned ? "async-owned" : "async-shared");
        (_store, _db, _c) = OpenDatabase(_redis, _name, cachePages: 16);
        _c.Execute("PRAGMA cache_size = 10");
    }

    [TearDown]
    public void Close()
    {
        _c.Dispose();
        _db.Dispose();
    }

    [Test]
    public async Task AHundredThousandRowsWithSpillsCommitOnceAndReadBackThroughFetches()
    {
        await _c.ExecuteAsync("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
        var commits = _store.Commits;
        await _c.ExecuteAsync("WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < 100000) INSERT INTO t(v) SELECT printf('row-%06d', x) FROM s");
        Assert.That(_store.Commits - commits, Is.EqualTo(1), "the spilled insert is one store commit");
        Assert.That(StoredVersion(), Is.EqualTo(2L));

        var pagesRead = _store.PagesRead;
        Assert.That(await _c.ExecuteScalarAsync("SELECT count(*) FROM t"), Is.EqualTo(100000L));
        Assert.That(await _c.ExecuteScalarAsync("SELECT v FROM t WHERE id = 77777"), Is.EqualTo("row-077777"));
        var rows = await _c.QueryAsync("SELECT id, v FROM t WHERE id BETWEEN 49999 AND 50001 ORDER BY id");
        Assert.That(rows.Select(r => (string)r[1]!), Is.EqualTo(new[] { "row-049999", "row-050000", "row-050001" }));
        Assert.That(_store.PagesRead, Is.GreaterThan(pagesRead), "a 16-page cache misses: pages were fetched from Redis");
        Assert.That(await _c.ExecuteScalarAsync("PRAGMA integrity_check"), Is.EqualTo("ok"));

        // Another process, cold, sees the same.
        using var other = FolioDatabase.Open(RedisPageStore.Open(_inspect, _name), new FolioOptions { ProcessScope = new object(), Name = _name + "-check" }, ownsStore: true);
        using var o = other.OpenConnection();
        Assert.That(o.ExecuteScalar("SELECT count(*) FROM t WHERE v = printf('row-%06d', id)"), Is.EqualTo(100000L));
    }

    [Test]
    public async Task ARollbackLeavesRedisUntouched()
    {
        await _c.ExecuteAsync("CREATE TABLE t(v BLOB)");
        await _c.ExecuteAsync("INSERT INTO t VALUES (randomblob(100))");
        var before = Snapshot();
        var commits = _store.Commits;

        // Statement by statement, a spilling insert rolled back with ROLLBACK…
        await _c.ExecuteAsync("BEGIN");
        await _c.ExecuteAsync("WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < 3000) INSERT INTO t SELECT randomblob(300) FROM s");
        await _c.ExecuteAsync("ROLLBACK");
        // …and a transaction whose work throws.
        await Assert.ThrowsAsync<InvalidOperationException>(() => _c.TransactionAsync(async (x, ct) =>
        {
            await x.ExecuteAsync("INSERT INTO t VALUES (x'01')", ct);
            throw new InvalidOperationException("the work failed");
        }));

        Assert.That(_store.Commits, Is.EqualTo(commits), "nothing was committed");
        Assert.That(Snapshot(), Is.EqualTo(before), "every key of the database is as it was");
        Assert.That(await _c.ExecuteScalarAsync("SELECT count(*) FROM t"), Is.EqualTo(1L));
    }

    [Test]
    public async Task ACommitFailingBecauseRedisIsDownReturnsToTheLastDurableVersionAndTheNextCallWorks()
    {
        await _c.ExecuteAsync("CREATE TABLE t(v INTEGER)");
        await _c.ExecuteAsync("INSERT INTO t VALUES (1)");
        var version = StoredVersion();

        // Redis dies after the transaction's read start, before its commit is sent.
        var error = await Assert.CatchAsync<FolioException>(() => _c.TransactionAsync(async (x, ct) =>
        {
            await x.ExecuteAsync("INSERT INTO t VALUES (2)", ct);
            _server.Kill();
        }));
        TestContext.Out.WriteLine(error!.Message);
        Assert.That(error.InnerException, Is.InstanceOf<RedisStoreUnavailableException>(), "the store's own failure is the cause");
        Assert.That(error.Message, Does.Contain("last durable version"));
        RestartRedis();

        Assert.That(StoredVersion(), Is.EqualTo(version), "nothing reached Redis");
        // SQLite believed the insert committed; the process went back to the last durable version.
        Assert.That(await _c.ExecuteScalarAsync("SELECT group_concat(v) FROM t"), Is.EqualTo("1"));
        await _c.ExecuteAsync("INSERT INTO t VALUES (3)");
        Assert.That(await _c.ExecuteScalarAsync("SELECT group_concat(v) FROM t"), Is.EqualTo("1,3"));
        Assert.That(StoredVersion(), Is.EqualTo(version + 1));
    }

    [Test]
    public async Task ACallWhileRedisIsDownFailsAndTheNextCallAfterItIsBackWorks()
    {
        await _c.ExecuteAsync("CREATE TABLE t(v INTEGER)");
        await _c.ExecuteAsync("INSERT INTO t VALUES (1)");
        var version = StoredVersion();

        _server.Kill();
        // Shared mode fails at the read start, owned mode (no read start) at the commit.
        var error = await Assert.CatchAsync<Exception>(async () => await _c.ExecuteAsync("INSERT INTO t VALUES (2)"));
        TestContext.Out.WriteLine($"{error!.GetType().Name}: {error.Message}");
        Assert.That(error as RedisStoreUnavailableException ?? error.InnerException, Is.InstanceOf<RedisStoreUnavailableException>());
        RestartRedis();

        Assert.That(StoredVersion(), Is.EqualTo(version));
        Assert.That(await _c.ExecuteScalarAsync("SELECT group_concat(v) FROM t"), Is.EqualTo("1"));
        await _c.ExecuteAsync("INSERT INTO t VALUES (3)");
        Assert.That(await _c.ExecuteScalarAsync("SELECT group_concat(v) FROM t"), Is.EqualTo("1,3"));
    }

    [Test]
    public async Task AConflictIsBusyAndTransactionAsyncRunsTheWorkAgain()
    {
        if (owned)
        {
            Assert.Ignore("An owner has no conflicts to retry: another writer ends its ownership (OwnershipTests).");
        }
        await _c.ExecuteAsync("CREATE TABLE c(n INTEGER)");
        await _c.ExecuteAsync("INSERT INTO c VALUES (0)");
        using var otherProcess = RedisPageStore.Connect(_server.Configuration);
        using var other = FolioDatabase.Open(RedisPageStore.Open(otherProcess, _name), new FolioOptions { ProcessScope = new object(), Name = _name + "-other" }, ownsStore: true);
        using var o = other.OpenConnection();

        // TransactionAsync runs the work again on the new version…
        var runs = 0;
        await _c.TransactionAsync(async (x, ct) =>
        {
            runs++;
            await x.ExecuteAsync("UPDATE c SET n = n + 1", ct);
            if (runs == 1)
            {
                o.Execute("UPDATE c SET n = n + 1000"); // commits first
            }
        });
        Assert.That(runs, Is.EqualTo(2));
        Assert.That(await _c.ExecuteScalarAsync("SELECT n FROM c"), Is.EqualTo(1001L));
        Assert.That(o.ExecuteScalar("SELECT n FROM c"), Is.EqualTo(1001L));

        // …and when it loses every attempt, the conflict surfaces as busy, with nothing of it applied.
        runs = 0;
        var busy = await Assert.CatchAsync<FolioException>(() => _c.TransactionAsync(async (x, ct) =>
        {
            runs++;
            await x.ExecuteAsync("UPDATE c SET n = n + 1", ct);
            o.Execute("UPDATE c SET n = n + 1000");
        }));
        Assert.That(busy!.IsBusy, Is.True, busy.Message);
        Assert.That(runs, Is.EqualTo(FolioSession.MaxTransactionAttempts));
        Assert.That(await _c.ExecuteScalarAsync("SELECT n FROM c"), Is.EqualTo(1001L + 1000 * runs));
    }

    [Test]
    public async Task ATransactionSpanningCallsThatLosesToAnotherWriterIsNotAcknowledged()
    {
        await _c.ExecuteAsync("CREATE TABLE c(n INTEGER)");
        await _c.ExecuteAsync("INSERT INTO c VALUES (0)");
        using var otherProcess = RedisPageStore.Connect(_server.Configuration);
        using var other = FolioDatabase.Open(RedisPageStore.Open(otherProcess, _name), new FolioOptions { ProcessScope = new object(), Name = _name + "-other" }, ownsStore: true);
        using var o = other.OpenConnection();

        await _c.ExecuteAsync("BEGIN");
        await _c.ExecuteAsync("UPDATE c SET n = n + 1");
        o.Execute("UPDATE c SET n = n + 100");
        var refused = await Assert.CatchAsync<FolioException>(async () => await _c.ExecuteAsync("COMMIT"));
        _c.RollbackIfOpen();
        Assert.That(StoredN(), Is.EqualTo(100L), "the refused commit never reached Redis");
        if (owned)
        {
            // The owner lost its claim: it refuses every further call, reads included.
            Assert.That(refused, Is.InstanceOf<OwnershipLostException>(), refused!.Message);
            await Assert.ThrowsAsync<OwnershipLostException>(async () => await _c.ExecuteScalarAsync("SELECT n FROM c"));
        }
        else
        {
            Assert.That(refused!.IsBusy, Is.True, refused.Message);
            Assert.That(await _c.ExecuteScalarAsync("SELECT n FROM c"), Is.EqualTo(100L), "the next transaction starts from the other writer's version");
        }
    }

    // What Redis holds now, read by a fresh connection of its own.
    private long StoredN()
    {
        using var reader = RedisPageStore.Connect(_server.Configuration);
        using var db = FolioDatabase.Open(RedisPageStore.Open(reader, _name), new FolioOptions { ProcessScope = new object(), Name = _name + "-check" }, ownsStore: true);
        using var c = db.OpenConnection();
        return (long)c.ExecuteScalar("SELECT n FROM c")!;
    }

    [Test]
    public async Task CancellingACallWhoseFetchWaitsOnRedisAppliesNothingAndTheNextCallWorks()
    {
        await _c.ExecuteAsync("CREATE TABLE t(v TEXT)");
        await _c.ExecuteAsync("WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < 5000) INSERT INTO t SELECT printf('%0200d', x) FROM s");
        _c.Dispose();
        _db.Dispose();
        // Cold (every page must be fetched), on a connection whose command timeout outlasts the pause.
        using var patient = RedisPageStore.Connect(_server.Configuration);
        (_store, _db, _c) = OpenDatabase(patient, _name, cachePages: 16);
        var version = StoredVersion();

        // Redis holds every client's commands for a while: the call's read start or fetch waits there.
        _server.Cli("CLIENT", "PAUSE", "2000", "ALL");
        using var cancel = new CancellationTokenSource();
        var call = _c.ExecuteScalarAsync("SELECT count(*) FROM t", cancel.Token).AsTask();
        Assert.That(call.IsCompleted, Is.False, "the call returned to its caller while Redis holds its commands");
        await Task.Delay(100);
        Assert.That(call.IsCompleted, Is.False, "the call waits for Redis");
        cancel.Cancel();
        await Assert.CatchAsync<OperationCanceledException>(() => call);

        Assert.That(await _c.ExecuteScalarAsync("SELECT count(*) FROM t"), Is.EqualTo(5000L));
        Assert.That(StoredVersion(), Is.EqualTo(version));
        await _c.ExecuteAsync("INSERT INTO t VALUES ('after')");
        Assert.That(await _c.ExecuteScalarAsync("SELECT count(*) FROM t"), Is.EqualTo(5001L));
    }

    private (RedisPageStore, FolioDatabase, FolioConnection) OpenDatabase(ConnectionMultiplexer redis, string name, int cachePages)
    {
        var store = RedisPageStore.Open(redis, name, options: new RedisStoreOptions { Owned = owned });
        var db = FolioDatabase.Open(store, new FolioOptions { CachePages = cachePages, ProcessScope = new object(), Name = name + "-" + Guid.NewGuid().ToString("N") }, ownsStore: true);
        return (store, db, db.OpenConnection());
    }

    /// <summary>Starts the killed server again and waits until the connection is back.</summary>
    private void RestartRedis()
    {
        _server.Restart();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!_redis.IsConnected || !_inspect.IsConnected || !Pings())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the connection did not come back within 30 s");
            Thread.Sleep(20);
        }
    }

    private bool Pings()
    {
        try
        {
            _redis.GetDatabase().Ping();
            _inspect.GetDatabase().Ping();
            return true;
        }
        catch (RedisException)
        {
            return false;
        }
    }

    /// <summary>The database's keys share this prefix (the hash tag <c>{folio:name}</c>).</summary>
    private string Prefix => "{folio:" + _name + "}:";

    private long StoredVersion() => (long)_inspect.GetDatabase().HashGet(Prefix + "meta", "version");

    /// <summary>Every key of the database with its value, sorted by key.</summary>
    private List<(string Key, string Value)> Snapshot()
    {
        var server = _inspect.GetServer(_inspect.GetEndPoints()[0]);
        var redis = _inspect.GetDatabase();
        return server.Keys(pattern: Prefix + "*").Select(k => (string)k!).Order(StringComparer.Ordinal)
            .Select(k => (k, redis.KeyType(k) == RedisType.Hash
                ? string.Join(",", redis.HashGetAll(k).OrderBy(e => (string)e.Name!, StringComparer.Ordinal).Select(e => $"{e.Name}={e.Value}"))
                : Convert.ToHexString((byte[])redis.KeyDump(k)!)))
            .ToList();
    }
}
