using Folio.Storage;
using NUnit.Framework;

namespace Folio.Tests;

/// <summary>The memory store's page table, exercised directly.</summary>
public class MemoryStoreTests
{
    [Test]
    public void ShrinkingIntoAChunkThatNeverHeldAPageWorks()
    {
        var store = new MemoryPageStore($"shrink-{Guid.NewGuid():N}");
        var lineage = store.GetHead().Lineage;
        store.Commit(new StoreCommit(lineage, 0, 600, [FileStoreTests.Page(0, 1), FileStoreTests.Page(599, 1)]));

        Assert.That(store.Commit(new StoreCommit(lineage, 1, 300, [])), Is.EqualTo(2));
        Assert.That(store.Commit(new StoreCommit(lineage, 2, 600, [FileStoreTests.Page(1, 3)])), Is.EqualTo(3));

        using var reader = store.BeginRead(0);
        var buffer = new byte[4096];
        Assert.That(reader.PageCount, Is.EqualTo(600));
        Assert.That(reader.ReadPage(0, buffer), Is.EqualTo(4096));
        Assert.That(reader.ReadPage(299, buffer), Is.Zero);
        Assert.That(reader.ReadPage(599, buffer), Is.Zero, "the page cut off by the shrink does not come back with the regrowth");
    }
}
