using Folio.Redis.Tests.Infrastructure;
using Folio.Storage;
using NUnit.Framework;

namespace Folio.Redis.Tests;

/// <summary>
/// <see cref="RedisStoreOptions.WaitForReplicas"/> on a real master and replica: a commit is
/// acknowledged once the replica has it, in the same one round trip, and one the replica cannot
/// confirm fails as applied on the master but not confirmed.
/// </summary>
[NonParallelizable]
public sealed class ReplicationTests
{
    private const int PageSize = 4096;
    private const string RoundTrips = "folio.redis.round_trips";
    // Generous for the commits that must be confirmed on a busy machine; a replica that is down costs the whole wait.
    private static readonly RedisStoreOptions Synchronous = new() { WaitForReplicas = 1, ReplicaWaitTimeout = TimeSpan.FromSeconds(2) };

    [Test]
    public void WithAReplicaEveryCommitIsConfirmedInOneRoundTripAndIsOnTheReplica()
    {
        using var pair = ReplicatedRedis.Start();
        using var redis = RedisPageStore.Connect(pair.Master.Configuration);
        using var metrics = new RedisMetricsRecorder();
        var name = SharedRedis.NewName("replicated");
        using var store = RedisPageStore.Open(redis, name, PageSize, Synchronous);
        var lineage = store.GetHead().Lineage;
        store.Commit(new StoreCommit(lineage, 0, 1, [Page(0, 1)])); // the first one also sends the script's text
        var waitsBefore = pair.WaitCalls();
        var tripsBefore = store.RoundTrips;
        var meteredBefore = metrics.Total(RoundTrips, name);
        for (var version = 1; version <= 5; version++)
        {
            Assert.That(store.Commit(new StoreCommit(lineage, version, 1, [Page(0, (byte)(version + 1))])), Is.EqualTo(version + 1));
        }
        Assert.That(store.RoundTrips - tripsBefore, Is.EqualTo(5), "the commit script and its WAIT are one round trip");
        Assert.That(metrics.Total(RoundTrips, name) - meteredBefore, Is.EqualTo(5));
        Assert.That(pair.WaitCalls() - waitsBefore, Is.EqualTo(5), "every commit was followed by a WAIT on the master");
        Assert.That(pair.Replica.Cli("HGET", $"{{folio:{name}}}:meta", "version").Trim(), Is.EqualTo("6"), "an acknowledged commit is on the replica");

        using var unsynchronised = RedisPageStore.Open(redis, name, PageSize);
        waitsBefore = pair.WaitCalls();
        tripsBefore = unsynchronised.RoundTrips;
        unsynchronised.Commit(new StoreCommit(lineage, 6, 1, [Page(0, 9)]));
        Assert.That((unsynchronised.RoundTrips - tripsBefore, pair.WaitCalls() - waitsBefore), Is.EqualTo((1L, 0L)), "WaitForReplicas = 0 sends no WAIT");
    }

    [Test]
    public async Task WithTheReplicaDownACommitFailsAsAppliedOnTheMasterButNotConfirmed()
    {
        using var pair = ReplicatedRedis.Start();
        using var redis = RedisPageStore.Connect(pair.Master.Configuration);
        var name = SharedRedis.NewName("unconfirmed");
        using var store = RedisPageStore.Open(redis, name, PageSize, Synchronous);
        var lineage = store.GetHead().Lineage;
        store.Commit(new StoreCommit(lineage, 0, 1, [Page(0, 1)]));

        pair.Replica.Kill();
        var tripsBefore = store.RoundTrips;
        var error = Assert.Throws<RedisStoreUnavailableException>(() => store.Commit(new StoreCommit(lineage, 1, 1, [Page(0, 2)])));
        Assert.That(error!.MayHaveBeenApplied, Is.True);
        Assert.That((error.RequiredReplicas, error.ConfirmedReplicas), Is.EqualTo((1, 0L)));
        Assert.That(error.Message, Does.Contain(name).And.Contain("applied on the Redis master").And.Contain("not confirmed by 1 replica"));
        Assert.That(store.RoundTrips - tripsBefore, Is.EqualTo(1));
        Assert.That(store.GetHead().Version, Is.EqualTo(2), "the master has the commit");

        var asyncError = await Assert.ThrowsAsync<RedisStoreUnavailableException>(async () => await store.CommitAsync(new StoreCommit(lineage, 2, 1, [Page(0, 3)])));
        Assert.That((asyncError!.MayHaveBeenApplied, asyncError.ConfirmedReplicas), Is.EqualTo((true, 0L)));

        pair.Replica.Restart();
        pair.WaitUntilInSync();
        Assert.That(await store.CommitAsync(new StoreCommit(lineage, 3, 1, [Page(0, 4)])), Is.EqualTo(4), "with the replica back, commits are confirmed again");
    }

    [Test]
    public async Task WithTheMasterDownACommitFailsAsNotAppliedNamingTheOutage()
    {
        // Found by the chaos harness: with no connection to the master, StackExchange.Redis refuses
        // to pick a server for WAIT with an InvalidOperationException, which escaped untranslated.
        using var pair = ReplicatedRedis.Start();
        using var redis = RedisPageStore.Connect(pair.Master.Configuration, new RedisStoreOptions { CommandTimeout = TimeSpan.FromSeconds(3) });
        var name = SharedRedis.NewName("master-down");
        using var store = RedisPageStore.Open(redis, name, PageSize, Synchronous);
        var lineage = store.GetHead().Lineage;
        store.Commit(new StoreCommit(lineage, 0, 1, [Page(0, 1)]));

        pair.Master.Kill();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (redis.IsConnected && waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            Thread.Sleep(20);
        }
        Assert.That(redis.IsConnected, Is.False, "the multiplexer noticed the master is gone");
        var error = Assert.Throws<RedisStoreUnavailableException>(() => store.Commit(new StoreCommit(lineage, 1, 1, [Page(0, 2)])));
        Assert.That(error!.MayHaveBeenApplied, Is.False, error.ToString());
        Assert.That(error.Message, Does.Contain(name).And.Contain("commit at version 1"));
        var asyncError = await Assert.ThrowsAsync<RedisStoreUnavailableException>(async () => await store.CommitAsync(new StoreCommit(lineage, 1, 1, [Page(0, 2)])));
        Assert.That(asyncError!.MayHaveBeenApplied, Is.False);
    }

    [Test]
    public void ThroughSqlAnUnconfirmedCommitIsAnIoErrorNamingTheReplicas()
    {
        using var pair = ReplicatedRedis.Start();
        using var redis = RedisPageStore.Connect(pair.Master.Configuration);
        var name = SharedRedis.NewName("unconfirmed-sql");
        using var db = FolioDatabase.Open(RedisPageStore.Open(redis, name, PageSize, Synchronous), ownsStore: true);
        using var c = db.OpenConnection();
        c.Execute("CREATE TABLE t(x)");
        pair.Replica.Kill();
        var error = Assert.Catch<Exception>(() => c.Execute("INSERT INTO t VALUES (1)"));
        var cause = Inner<RedisStoreUnavailableException>(error);
        Assert.That(cause, Is.Not.Null, error!.ToString());
        Assert.That(cause!.MayHaveBeenApplied, Is.True);
        Assert.That(c.ExecuteScalar("SELECT count(*) FROM t"), Is.EqualTo(1L), "a new transaction sees that the master applied it");
    }

    [Test]
    public void GarnetHasNoWaitSoSynchronousReplicationIsRefusedThere()
    {
        var error = Assert.Throws<NotSupportedException>(() =>
            RedisPageStore.Open(SharedRedis.ConnectionFor(SharedRedis.Garnet), SharedRedis.NewName("garnet-wait"), PageSize, Synchronous));
        Assert.That(error!.Message, Does.Contain("WaitForReplicas").And.Contain("Garnet"));
    }

    [TestCase(-1, 300)]
    [TestCase(1, 0)]
    [TestCase(1, 5000)]
    public void ReplicationSettingsOutOfRangeAreNamed(int replicas, int timeoutMs)
    {
        var options = new RedisStoreOptions { WaitForReplicas = replicas, ReplicaWaitTimeout = TimeSpan.FromMilliseconds(timeoutMs) };
        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
        Assert.That(error!.ParamName, Is.EqualTo(replicas < 0 ? nameof(RedisStoreOptions.WaitForReplicas) : nameof(RedisStoreOptions.ReplicaWaitTimeout)));
    }

    private static T? Inner<T>(Exception? error) where T : Exception
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }
        return null;
    }

    private static StorePage Page(long number, byte fill)
    {
        var data = new byte[PageSize];
        data.AsSpan().Fill(fill);
        return new StorePage(number, data);
    }
}
