using Folio.Redis.Tests.Infrastructure;
using Folio.Storage;
using NUnit.Framework;

namespace Folio.Redis.Tests;

/// <summary>The history contract (<see cref="HistoryContract"/>) on the Redis store, on Redis and on Garnet.</summary>
[TestFixture(SharedRedis.Redis)]
[TestFixture(SharedRedis.Garnet)]
public sealed class StoreHistoryTests(string server) : ServerFixture(server)
{
    private RedisPageStore Create(HistoryRetention retention, string name = "history") =>
        RedisPageStore.Open(Connection, SharedRedis.NewName(name), 4096, new RedisStoreOptions { History = retention });

    [Test]
    public void EveryRetainedVersionReadsAsItWasCommitted()
    {
        using var store = Create(new HistoryRetention { Versions = 40, MaxAge = null });
        HistoryContract.EveryRetainedVersionReadsAsItWasCommitted(store, retained: 40, commits: 60);
    }

    [Test]
    public void WithAllVersionsRetainedTheFirstCommitIsReadable()
    {
        using var store = Create(new HistoryRetention { Versions = 100, MaxAge = null });
        HistoryContract.EveryRetainedVersionReadsAsItWasCommitted(store, retained: 100, commits: 30, seed: 3);
    }

    [Test]
    public void CollectionKeepsTheHistoryBounded()
    {
        using var store = Create(new HistoryRetention { Versions = 20, MaxAge = null });
        HistoryContract.CollectionKeepsTheHistoryBounded(store, retained: 20, commits: 500);
    }

    [Test]
    public void WithoutHistoryOnlyTheCurrentVersionIsReadable()
    {
        using var store = Create(HistoryRetention.None);
        HistoryContract.EveryRetainedVersionReadsAsItWasCommitted(store, retained: 0, commits: 10);
        Assert.That(((IPageStoreHistory)store).GetUsage().Values, Is.Zero);
    }

    [Test]
    public void TheVersionInForceAtATimeIsTheNewestCommittedBeforeIt()
    {
        using var store = Create(HistoryRetention.Default);
        HistoryContract.TheVersionInForceAtATimeIsTheNewestCommittedBeforeIt(store);
    }

    [Test]
    public void AReadOfAPastVersionIsNotBrokenByLaterCommits()
    {
        using var store = Create(new HistoryRetention { Versions = 50, MaxAge = null });
        var lineage = store.GetHead().Lineage;
        store.Commit(new StoreCommit(lineage, 0, 2, [Page(0, 1), Page(1, 1)]));
        using var past = store.BeginReadAt(1);
        for (var v = 1; v < 10; v++)
        {
            store.Commit(new StoreCommit(lineage, v, 2, [Page(0, v + 1), Page(1, v + 1)]));
        }
        var buffer = new byte[4096];
        Assert.That(past.ReadPage(1, buffer), Is.EqualTo(4096));
        Assert.That(buffer.SequenceEqual(HistoryContract.Value(4096, 1, 1)), Is.True, "the pinned past version reads as it was");
    }

    [Test]
    public void RetentionOutOfRangeIsNamedWhenTheStoreOpens()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Create(new HistoryRetention { Versions = -1 }));
        Assert.That(error!.ParamName, Is.EqualTo(nameof(HistoryRetention.Versions)));
    }

    private static StorePage Page(long number, long version) => new(number, HistoryContract.Value(4096, number, version));
}
