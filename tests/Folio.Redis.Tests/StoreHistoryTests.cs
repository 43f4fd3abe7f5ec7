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
        HistoryContract.AReadOfAPastVersionIsNotBrokenByLaterCommits(store);
    }

    [Test]
    public void RetentionOutOfRangeIsNamedWhenTheStoreOpens()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Create(new HistoryRetention { Versions = -1 }));
        Assert.That(error!.ParamName, Is.EqualTo(nameof(HistoryRetention.Versions)));
    }
}
