using Folio.Storage;
using NUnit.Framework;

namespace Folio.Testing;

/// <summary>
/// The <see cref="HistoryContract"/> cases as NUnit tests, the same for every store: a store's test
/// fixture derives from this and says how to create a fresh store keeping a given history.
/// </summary>
public abstract class HistoryContractFixture
{
    /// <summary>A fresh, empty store keeping <paramref name="retention"/>; the test disposes it.</summary>
    protected abstract IPageStore Create(HistoryRetention retention);

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
}
