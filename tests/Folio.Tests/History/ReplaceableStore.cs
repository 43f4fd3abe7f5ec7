using Folio.Storage;

namespace Folio.Tests.History;

/// <summary>
/// A user store whose data can be lost under a running process, the two ways real stores lose
/// it: <see cref="ReplaceWithFreshDatabase"/> (another database, with its own identity, now
/// answers under the name: a failover to an empty replica, a replaced file) and
/// <see cref="RewindTo"/> (the same database at an older version: a lagging replica, an old backup).
/// </summary>
public sealed class ReplaceableStore : IPageStore
{
    private readonly List<StoreCommit> _commits = [];
    private readonly bool _ownLineage;
    private MemoryPageStore _inner;
    private StoreLineage _lineage;

    /// <param name="name">The database name.</param>
    /// <param name="ownLineage">Report a lineage of the store's own that survives <see cref="RewindTo"/>; otherwise the inner store's.</param>
    public ReplaceableStore(string name, bool ownLineage = false)
    {
        _ownLineage = ownLineage;
        _inner = new MemoryPageStore(name);
        _lineage = ownLineage ? StoreLineage.CreateNew() : _inner.Lineage;
    }

    public string Name => _inner.Name;

    public int PageSize => _inner.PageSize;

    /// <summary>Swaps in a new, empty database with an identity of its own.</summary>
    public void ReplaceWithFreshDatabase()
    {
        _inner = new MemoryPageStore(Name);
        _lineage = _ownLineage ? StoreLineage.CreateNew() : _inner.Lineage;
        _commits.Clear();
    }

    /// <summary>Goes back to <paramref name="version"/> of the same database (same identity and epoch).</summary>
    public void RewindTo(long version)
    {
        var replay = _commits.Take((int)version).ToList();
        _inner = new MemoryPageStore(Name);
        _commits.Clear();
        foreach (var commit in replay)
        {
            Commit(commit);
        }
    }

    public StoreHead GetHead() => _inner.GetHead() with { Lineage = _lineage };

    public IPageStoreReader BeginRead(long knownVersion) => new Reader(_inner.BeginRead(knownVersion), _lineage);

    public long Commit(StoreCommit commit)
    {
        if (commit.ExpectedLineage != _lineage)
        {
            var head = _inner.GetHead();
            throw new HistoryChangedException(Name, commit.ExpectedLineage, commit.ExpectedVersion, _lineage, head.Version, "the commit was built on another history");
        }
        // Keep a copy: the caller reuses its buffers once Commit returns.
        var kept = new StoreCommit(_lineage, commit.ExpectedVersion, commit.NewPageCount,
            commit.Pages.Select(p => new StorePage(p.Number, p.Data.ToArray())).ToList());
        var version = _inner.Commit(new StoreCommit(_inner.Lineage, kept.ExpectedVersion, kept.NewPageCount, kept.Pages));
        _commits.Add(kept);
        return version;
    }

    public void Dispose()
    {
    }

    private sealed class Reader(IPageStoreReader inner, StoreLineage lineage) : IPageStoreReader
    {
        public StoreLineage Lineage => lineage;

        public long Version => inner.Version;

        public long PageCount => inner.PageCount;

        public IReadOnlyCollection<long>? ChangedPagesSinceKnown => inner.ChangedPagesSinceKnown;

        public int ReadPage(long pageNumber, Span<byte> destination) => inner.ReadPage(pageNumber, destination);

        public void Dispose() => inner.Dispose();
    }
}
