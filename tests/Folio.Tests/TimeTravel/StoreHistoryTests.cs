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
        var history = (IPageStoreHistory)store;
        var lineage = store.GetHead().Lineage;
        store.Commit(new StoreCommit(lineage, 0, 2, [new StorePage(0, HistoryContract.Value(4096, 0, 1)), new StorePage(1, HistoryContract.Value(4096, 1, 1))]));
        using var past = history.BeginReadAt(1);
        for (var v = 1; v < 10; v++)
        {
            store.Commit(new StoreCommit(lineage, v, 2, [new StorePage(0, HistoryContract.Value(4096, 0, v + 1)), new StorePage(1, HistoryContract.Value(4096, 1, v + 1))]));
        }
        var buffer = new byte[4096];
        Assert.That(past.ReadPage(1, buffer), Is.EqualTo(4096));
        Assert.That(buffer.SequenceEqual(HistoryContract.Value(4096, 1, 1)), Is.True, "the pinned past version reads as it was");
    }

    [Test]
    public void RetentionRejectsBadValues()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HistoryRetention { Versions = -1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new HistoryRetention { MaxAge = TimeSpan.Zero }.Validate());
    }
}
