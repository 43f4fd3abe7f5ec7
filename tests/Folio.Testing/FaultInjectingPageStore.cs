using Folio.Storage;

namespace Folio.Testing;

/// <summary>
/// Wraps a store and makes chosen operations fail, the way a network or disk would: before the
/// inner store is called (it never sees the operation), so a failed commit leaves it untouched.
/// The inner store's history (<see cref="IPageStoreHistory"/>) passes through, uninjected.
/// </summary>
public sealed class FaultInjectingPageStore(IPageStore inner) : IPageStore, IPageStoreHistory
{
    private long _operations;

    /// <summary>The wrapped store.</summary>
    public IPageStore Inner { get; } = inner;

    /// <summary>Operations (reads started, pages read, commits, heads) seen so far, failed ones included.</summary>
    public long Operations => Interlocked.Read(ref _operations);

    /// <summary>Fail the operation with this 1-based number (counted by <see cref="Operations"/>); 0 for none.</summary>
    public long FailOperation { get; set; }

    /// <summary>Fail every commit while true.</summary>
    public bool FailCommits { get; set; }

    /// <summary>How many faults were injected.</summary>
    public int InjectedFaults { get; private set; }

    public string Name => Inner.Name;

    public int PageSize => Inner.PageSize;

    public StoreHead GetHead()
    {
        Tick("GetHead");
        return Inner.GetHead();
    }

    public IPageStoreReader BeginRead(long knownVersion)
    {
        Tick("BeginRead");
        return new Reader(this, Inner.BeginRead(knownVersion));
    }

    public long Commit(StoreCommit commit)
    {
        if (FailCommits)
        {
            InjectedFaults++;
            throw new IOException($"Injected fault: commit of {commit.Pages.Count} pages to '{Name}' refused.");
        }
        Tick("Commit");
        return Inner.Commit(commit);
    }

    public void Dispose() => Inner.Dispose();

    private IPageStoreHistory History => Inner as IPageStoreHistory ?? throw new NotSupportedException($"'{Name}' keeps no history.");

    public HistoryRetention Retention => History.Retention;

    public StoreHistoryRange GetHistoryRange() => History.GetHistoryRange();

    public IReadOnlyList<StoreVersion> GetVersions(long newest, int count) => History.GetVersions(newest, count);

    public StoreVersion? FindVersionAt(DateTimeOffset time) => History.FindVersionAt(time);

    public IPageStoreReader BeginReadAt(long version) => History.BeginReadAt(version);

    public StoreHistoryUsage GetUsage() => History.GetUsage();

    private void Tick(string operation)
    {
        var number = Interlocked.Increment(ref _operations);
        if (number == FailOperation)
        {
            InjectedFaults++;
            throw new IOException($"Injected fault: operation {number} ({operation}) on '{Name}'.");
        }
    }

    private sealed class Reader(FaultInjectingPageStore owner, IPageStoreReader inner) : IPageStoreReader
    {
        public StoreLineage Lineage => inner.Lineage;

        public long Version => inner.Version;

        public long PageCount => inner.PageCount;

        public IReadOnlyCollection<long>? ChangedPagesSinceKnown => inner.ChangedPagesSinceKnown;

        public int ReadPage(long pageNumber, Span<byte> destination)
        {
            owner.Tick("ReadPage");
            return inner.ReadPage(pageNumber, destination);
        }

        public void Dispose() => inner.Dispose();
    }
}
