using Folio.Storage;
using Folio.Testing;
using NUnit.Framework;

namespace Folio.Tests.TimeTravel;

/// <summary>The history contract (<see cref="HistoryContract"/>) on the memory and file stores.</summary>
[TestFixture(StoreKind.Memory)]
[TestFixture(StoreKind.File)]
public sealed class StoreHistoryTests(StoreKind kind) : StoreTest
{
    private IPageStore Create(HistoryRetention retention) => Stores.CreateWithHistory(kind, retention, "history");

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
    public void RetentionRejectsBadValues()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HistoryRetention { Versions = -1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new HistoryRetention { MaxAge = TimeSpan.Zero }.Validate());
    }
}
