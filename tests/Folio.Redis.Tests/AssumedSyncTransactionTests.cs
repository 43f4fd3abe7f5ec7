using Folio.Redis.Tests.Async;
using NUnit.Framework;

namespace Folio.Redis.Tests;

/// <summary>
/// The sync <c>Transaction</c> of a generated class on a shared Redis store: its first attempt
/// begins on the newest version its process knows, with no read start, and its commit proves it.
/// Two objects with separate process scopes and Redis connections stand for two processes.
/// </summary>
public sealed class AssumedSyncTransactionTests
{
    private readonly CounterProcesses _processes = new();

    [TearDown]
    public void Close() => _processes.Dispose();

    private (SharedCounterDb Db, RedisPageStore Store) OpenProcess(string name) => _processes.Open(name);

    [Test]
    public void AWarmWriteTransactionCostsOneRoundTrip()
    {
        var (db, store) = OpenProcess(SharedRedis.NewName("assumed-sync-warm"));
        Assert.That(db.Transaction(d => d.Increment(1)), Is.EqualTo(1L));

        var (trips, assumed) = (store.RoundTrips, db.Statistics.AssumedReads);
        Assert.That(db.Transaction(d => d.Increment(1) + d.Bump(1)), Is.EqualTo(3L));
        Assert.That(store.RoundTrips - trips, Is.EqualTo(1), "the commit alone: no read start");
        Assert.That(db.Statistics.AssumedReads - assumed, Is.EqualTo(1));

        // A statement outside Transaction keeps its read start: nothing would run it again.
        trips = store.RoundTrips;
        Assert.That(db.Increment(1), Is.EqualTo(4L));
        Assert.That(store.RoundTrips - trips, Is.EqualTo(2));
        Assert.That(db.Statistics.AssumedReads - assumed, Is.EqualTo(1));
    }

    [Test]
    public void ARefusedAssumedCommitRunsTheWorkAgainOnTheNewVersion()
    {
        var name = SharedRedis.NewName("assumed-sync-refused");
        var (a, _) = OpenProcess(name);
        var (b, _) = OpenProcess(name);
        Assert.That(a.Transaction(d => d.Increment(1)), Is.EqualTo(1L));
        Assert.That(b.Transaction(d => d.Increment(1)), Is.EqualTo(2L));

        var runs = 0;
        var conflicts = a.Statistics.Conflicts;
        var seen = a.Transaction(d =>
        {
            runs++;
            return d.Increment(1);
        });
        Assert.That((seen, runs), Is.EqualTo((3L, 2)), "what the refused attempt read never reached the caller");
        Assert.That(a.Statistics.Conflicts - conflicts, Is.EqualTo(1));

        var returned = new List<long>();
        for (var i = 0; i < 10; i++)
        {
            returned.Add(a.Transaction(d => d.Increment(1)));
            returned.Add(b.Transaction(d => d.Increment(1)));
        }
        Assert.That(returned, Is.EqualTo(Enumerable.Range(4, 20).Select(n => (long)n)), "every increment counted once");
    }

    [Test]
    public async Task APageRewrittenSinceTheAssumedVersionRunsTheWorkAgainOnAReadStart()
    {
        var name = SharedRedis.NewName("assumed-sync-fetch");
        var (a, aStore) = OpenProcess(name);
        var (b, _) = OpenProcess(name);
        Assert.That(a.Transaction(d => d.Increment(1)), Is.EqualTo(1L));
        await b.AddRangeAsync(2, 200_000); // hundreds of leaves A never reads
        Assert.That(a.Transaction(d => d.Increment(1)), Is.EqualTo(2L));
        Assert.That(b.Bump(150_000), Is.EqualTo(1));

        // A's assumed read of row 150,000's leaf finds it rewritten after A's version: busy, and
        // the work runs again on a read start, without a commit on the assumed version.
        var (storeConflicts, conflicts, runs) = (aStore.Conflicts, a.Statistics.Conflicts, 0);
        Assert.That(a.Transaction(d =>
        {
            runs++;
            return d.Increment(150_000);
        }), Is.EqualTo(2L));
        Assert.That(runs, Is.EqualTo(2));
        Assert.That(aStore.Conflicts - storeConflicts, Is.EqualTo(1), "the read at the assumed version was refused");
        Assert.That(a.Statistics.Conflicts - conflicts, Is.Zero, "no commit was sent on the assumed version");
    }

    [Test]
    public void AnAssumedTransactionThatCommitsNothingStandsOnlyOnTheCurrentVersion()
    {
        var name = SharedRedis.NewName("assumed-sync-noop");
        var (a, aStore) = OpenProcess(name);
        var (b, _) = OpenProcess(name);
        Assert.That(a.Transaction(d => d.Bump(1)), Is.EqualTo(1));

        var trips = aStore.RoundTrips;
        Assert.That(a.Transaction(d => d.Bump(2)), Is.EqualTo(0));
        Assert.That(aStore.RoundTrips - trips, Is.EqualTo(1), "the read of the head that confirms it");

        b.Add(2);
        var assumed = a.Statistics.AssumedReads;
        Assert.That(a.Transaction(d => d.Bump(2)), Is.EqualTo(1), "row 2 exists at the current version");
        Assert.That(a.Statistics.AssumedReads - assumed, Is.EqualTo(1));
    }

    [Test]
    public void AnErrorOnAnAssumedVersionRunsTheWorkAgainOnAReadStart()
    {
        var name = SharedRedis.NewName("assumed-sync-error");
        var (a, _) = OpenProcess(name);
        var (b, _) = OpenProcess(name);
        a.Transaction(d => d.Add(5));
        b.Transaction(d => d.Remove(5));

        var assumed = a.Statistics.AssumedReads;
        a.Transaction(d => d.Add(5)); // on A's assumed version row 5 still exists
        Assert.That(a.Statistics.AssumedReads - assumed, Is.EqualTo(1));
        Assert.That(b.Transaction(d => d.Bump(5)), Is.EqualTo(1));

        var error = Assert.Throws<FolioException>(() => a.Transaction(d => d.Add(5)));
        Assert.That(error!.Message, Does.Contain("UNIQUE").Or.Contain("constraint"), error.Message);
    }
}
