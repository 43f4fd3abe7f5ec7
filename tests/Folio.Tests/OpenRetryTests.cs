using Folio.Storage;
using NUnit.Framework;

namespace Folio.Tests;

/// <summary>
/// Opening a connection reads the database's first page; a commit of another connection that
/// overwrites a page that read must fetch (SQLITE_BUSY) makes the open read again, not fail.
/// </summary>
public class OpenRetryTests
{
    [Test]
    public void AnOpenWhoseReadMeetsACommitInFlightReadsAgain()
    {
        var store = new ConflictOnceStore(new MemoryPageStore("open-retry-" + Guid.NewGuid().ToString("N")));
        using var db = FolioDatabase.Open(store, new FolioOptions { CachePages = 0, ProcessScope = new object() });
        using (var setup = db.OpenConnection())
        {
            setup.Execute("CREATE TABLE t(v); INSERT INTO t VALUES (1);");
        }
        store.ConflictsLeft = 1;
        using var c = db.OpenConnection();
        Assert.That(store.ConflictsLeft, Is.Zero, "the open's first read met the conflict");
        Assert.That(c.ExecuteScalar("SELECT v FROM t"), Is.EqualTo(1L));
    }

    /// <summary>A store whose next page reads fail as if a commit had overwritten the page under the read.</summary>
    private sealed class ConflictOnceStore(IPageStore inner) : IPageStore
    {
        public int ConflictsLeft;

        public string Name => inner.Name;

        public int PageSize => inner.PageSize;

        public StoreHead GetHead() => inner.GetHead();

        public IPageStoreReader BeginRead(long knownVersion) => new Reader(this, inner.BeginRead(knownVersion));

        public long Commit(StoreCommit commit) => inner.Commit(commit);

        public void Dispose() => inner.Dispose();

        private sealed class Reader(ConflictOnceStore store, IPageStoreReader inner) : IPageStoreReader
        {
            public StoreLineage Lineage => inner.Lineage;

            public long Version => inner.Version;

            public long PageCount => inner.PageCount;

            public IReadOnlyCollection<long>? ChangedPagesSinceKnown => inner.ChangedPagesSinceKnown;

            public int ReadPage(long pageNumber, Span<byte> destination) =>
                Volatile.Read(ref store.ConflictsLeft) > 0 && Interlocked.Decrement(ref store.ConflictsLeft) >= 0
                    ? throw new StoreConflictException(store.Name, $"page {pageNumber} was overwritten by a newer commit")
                    : inner.ReadPage(pageNumber, destination);

            public void Dispose() => inner.Dispose();
        }
    }
}
