using Folio.Storage;

namespace Folio.Benchmarks;

/// <summary>
/// An experiment, not a store to use: the latest value of each page and nothing else (no
/// history, no snapshots: a reader sees later commits). Its commit copies each page into a
/// buffer it reuses, so <c>commit.folio-flat-store/memdb</c> measures what Folio's own commit
/// path costs when the store's share is one copy per page, against the memory store's
/// copy-on-write history.
/// </summary>
internal sealed class FlatPageStore(string name) : IPageStore
{
    private readonly Lock _lock = new();
    private readonly List<byte[]?> _pages = [];
    private readonly List<int> _lengths = [];
    private readonly StoreLineage _lineage = StoreLineage.CreateNew();
    private long _version;

    public string Name { get; } = name;

    public int PageSize => 4096;

    public StoreHead GetHead()
    {
        lock (_lock)
        {
            return new StoreHead(_version, _pages.Count, _lineage);
        }
    }

    public IPageStoreReader BeginRead(long knownVersion)
    {
        lock (_lock)
        {
            return new Reader(this, _version, _pages.Count, knownVersion == _version ? [] : null);
        }
    }

    public long Commit(StoreCommit commit)
    {
        lock (_lock)
        {
            if (commit.ExpectedVersion != _version)
            {
                throw new StoreConflictException(Name, commit.ExpectedVersion, _version);
            }
            while (_pages.Count < commit.NewPageCount)
            {
                _pages.Add(null);
                _lengths.Add(0);
            }
            if (_pages.Count > commit.NewPageCount)
            {
                _pages.RemoveRange((int)commit.NewPageCount, _pages.Count - (int)commit.NewPageCount);
                _lengths.RemoveRange((int)commit.NewPageCount, _lengths.Count - (int)commit.NewPageCount);
            }
            foreach (var page in commit.Pages)
            {
                var slot = (int)page.Number;
                var buffer = _pages[slot];
                if (buffer is null || buffer.Length < page.Data.Length)
                {
                    buffer = _pages[slot] = new byte[page.Data.Length];
                }
                page.Data.Span.CopyTo(buffer);
                _lengths[slot] = page.Data.Length;
            }
            return ++_version;
        }
    }

    public void Dispose()
    {
    }

    private sealed class Reader(FlatPageStore store, long version, long pageCount, IReadOnlyCollection<long>? changed) : IPageStoreReader
    {
        public StoreLineage Lineage => store._lineage;

        public long Version => version;

        public long PageCount => pageCount;

        public IReadOnlyCollection<long>? ChangedPagesSinceKnown => changed;

        public int ReadPage(long pageNumber, Span<byte> destination)
        {
            lock (store._lock)
            {
                if (pageNumber >= store._pages.Count || store._pages[(int)pageNumber] is not { } data)
                {
                    return 0;
                }
                var length = store._lengths[(int)pageNumber];
                data.AsSpan(0, length).CopyTo(destination);
                return length;
            }
        }

        public void Dispose()
        {
        }
    }
}
