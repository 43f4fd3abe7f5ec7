using System.Collections.Concurrent;

namespace Folio.Storage;

/// <summary>
/// A page store held in this process's memory, found by name, so every connection of the process
/// that opens the same name sees the same database. Nothing survives the process.
/// </summary>
/// <remarks>
/// Every commit publishes a new immutable snapshot. The page table is split into chunks of 256
/// page references: a commit copies the chunk index and only the chunks it touches, so its cost
/// follows the pages written, not the size of the database. A reader holds the snapshot it
/// started from, so snapshot isolation costs nothing and no read can ever see two versions.
/// History (<see cref="IPageStoreHistory"/>) is the same idea kept longer: the store holds on to
/// the snapshots of the retained past versions, which share every chunk and page a later commit
/// did not replace, so a retained version costs the values it replaced plus the chunks it copied.
/// Collection drops whole snapshots from the old end, one or two per commit.
/// </remarks>
public sealed partial class MemoryPageStore : IPageStore
{
    private const int ChunkBits = 8;
    private const int ChunkSize = 1 << ChunkBits;

    private static readonly ConcurrentDictionary<string, MemoryPageStore> Named = new(StringComparer.Ordinal);

    private readonly Lock _commitLock = new();
    private readonly (long Version, long[] Pages)[] _changeLog;
    private volatile Snapshot _current;

    /// <summary>Creates an unnamed store that belongs to the caller alone.</summary>
    /// <param name="name">The database name used in messages and by SQLite.</param>
    /// <param name="pageSize">The page size: a power of two from 512 to 65536.</param>
    /// <param name="changeLogLength">How many recent commits' page lists to keep for cache invalidation.</param>
    /// <param name="history">How many past versions to keep readable; null for <see cref="HistoryRetention.Default"/>.</param>
    public MemoryPageStore(string name, int pageSize = PageSizes.Default, int changeLogLength = 256, HistoryRetention? history = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        PageSizes.Validate(pageSize, name);
        ArgumentOutOfRangeException.ThrowIfLessThan(changeLogLength, 1);
        Name = name;
        PageSize = pageSize;
        _changeLog = new (long, long[])[changeLogLength];
        _current = new Snapshot(0, 0, [], DateTimeOffset.UtcNow, 0, 0);
        Lineage = StoreLineage.CreateNew();
        Retention = (history ?? HistoryRetention.Default).Validate();
    }

    /// <summary>
    /// Returns the process-wide store called <paramref name="name"/>, creating it with
    /// <paramref name="pageSize"/> the first time.
    /// </summary>
    /// <param name="name">The process-wide name.</param>
    /// <param name="pageSize">The page size for a new store.</param>
    /// <param name="history">The history to keep when the store is created here; null for <see cref="HistoryRetention.Default"/>.</param>
    /// <exception cref="PageSizeMismatchException">The store exists with another page size.</exception>
    public static MemoryPageStore GetOrCreate(string name, int pageSize = PageSizes.Default, HistoryRetention? history = null)
    {
        PageSizes.Validate(pageSize, name);
        var store = Named.GetOrAdd(name, static (n, arg) => new MemoryPageStore(n, arg.pageSize, history: arg.history), (pageSize, history));
        if (store.PageSize != pageSize)
        {
            throw new PageSizeMismatchException(name, store.PageSize, pageSize);
        }
        return store;
    }

    /// <summary>Forgets the process-wide store called <paramref name="name"/>; returns whether it existed.</summary>
    public static bool Drop(string name) => Named.TryRemove(name, out _);

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public int PageSize { get; }

    /// <summary>The database's identity (created with this store) and epoch.</summary>
    public StoreLineage Lineage { get; }

    /// <inheritdoc />
    public StoreHead GetHead()
    {
        var snapshot = _current;
        return new StoreHead(snapshot.Version, snapshot.PageCount, Lineage);
    }

    /// <inheritdoc />
    public IPageStoreReader BeginRead(long knownVersion)
    {
        var snapshot = _current;
        // The common case, a reader whose cache is current, shares one reader per snapshot.
        return knownVersion == snapshot.Version ? snapshot.CurrentReader(Lineage) : new Reader(snapshot, Lineage, ChangesSince(snapshot.Version, knownVersion));
    }

    /// <inheritdoc />
    public long Commit(StoreCommit commit)
    {
        ArgumentNullException.ThrowIfNull(commit);
        lock (_commitLock)
        {
            var current = _current;
            if (commit.ExpectedLineage != Lineage)
            {
                throw new HistoryChangedException(Name, commit.ExpectedLineage, commit.ExpectedVersion, Lineage, current.Version,
                    "the commit was built on another database's history");
            }
            if (current.Version != commit.ExpectedVersion)
            {
                throw new StoreConflictException(Name, commit.ExpectedVersion, current.Version);
            }

            var chunkCount = (int)((commit.NewPageCount + ChunkSize - 1) >> ChunkBits);
            var chunks = new byte[]?[chunkCount][];
            Array.Copy(current.Chunks, chunks, Math.Min(chunkCount, current.Chunks.Length));
            var copied = new bool[chunkCount];
            var changed = new long[commit.Pages.Count + (int)Math.Max(0, current.PageCount - commit.NewPageCount)];
            var n = 0;
            long bytes = 0;
            foreach (var page in commit.Pages)
            {
                if (page.Number < 0 || page.Number >= commit.NewPageCount)
                {
                    throw new ArgumentException($"Page {page.Number} is outside the new page count {commit.NewPageCount}.", nameof(commit));
                }
                var chunk = (int)(page.Number >> ChunkBits);
                if (!copied[chunk])
                {
                    chunks[chunk] = chunks[chunk] is { } old ? (byte[]?[])old.Clone() : new byte[]?[ChunkSize];
                    copied[chunk] = true;
                }
                chunks[chunk][page.Number & (ChunkSize - 1)] = page.Data.ToArray();
                changed[n++] = page.Number;
                bytes += page.Data.Length;
            }
            for (var number = commit.NewPageCount; number < current.PageCount; number++)
            {
                changed[n++] = number;
            }
            // Pages past the new end inside the last kept chunk must not survive a later regrowth.
            // A chunk that never held a page (a sparse database) has nothing to clear.
            if (commit.NewPageCount < current.PageCount && (commit.NewPageCount & (ChunkSize - 1)) != 0 && chunks[chunkCount - 1] is { } lastChunk)
            {
                var last = chunkCount - 1;
                if (!copied[last])
                {
                    chunks[last] = lastChunk = (byte[]?[])lastChunk.Clone();
                }
                Array.Clear(lastChunk, (int)(commit.NewPageCount & (ChunkSize - 1)), ChunkSize - (int)(commit.NewPageCount & (ChunkSize - 1)));
            }

            var version = current.Version + 1;
            _changeLog[version % _changeLog.Length] = (version, changed);
            var next = new Snapshot(version, commit.NewPageCount, chunks, DateTimeOffset.UtcNow, commit.Pages.Count, bytes);
            Retain(current, next);
            _current = next;
            return version;
        }
    }

    /// <summary>
    /// Replaces the stored bytes of one page without changing the version: for tests that
    /// simulate a damaged medium.
    /// </summary>
    public void OverwriteStoredPageForTesting(long pageNumber, ReadOnlySpan<byte> value)
    {
        lock (_commitLock)
        {
            var current = _current;
            var chunks = (byte[]?[][])current.Chunks.Clone();
            var chunk = (int)(pageNumber >> ChunkBits);
            chunks[chunk] = (byte[]?[])chunks[chunk].Clone();
            chunks[chunk][pageNumber & (ChunkSize - 1)] = value.ToArray();
            _current = current.WithChunks(chunks);
        }
    }

    /// <summary>Returns a copy of the stored bytes of one page, or null when it has none.</summary>
    public byte[]? GetStoredPage(long pageNumber) => (byte[]?)_current.Get(pageNumber)?.Clone();

    /// <summary>Nothing to release: the data stays reachable by name until <see cref="Drop"/>.</summary>
    public void Dispose()
    {
    }

    /// <summary>The pages changed after <paramref name="knownVersion"/> up to <paramref name="version"/>, or null when the log does not reach back.</summary>
    private IReadOnlyCollection<long>? ChangesSince(long version, long knownVersion)
    {
        if (knownVersion <= 0 || knownVersion > version || version - knownVersion > _changeLog.Length)
        {
            return null;
        }
        var changed = new HashSet<long>();
        lock (_commitLock)
        {
            for (var v = knownVersion + 1; v <= version; v++)
            {
                var entry = _changeLog[v % _changeLog.Length];
                if (entry.Version != v)
                {
                    return null; // overwritten by newer commits since the snapshot was taken
                }
                changed.UnionWith(entry.Pages);
            }
        }
        return changed;
    }

    private sealed class Snapshot(long version, long pageCount, byte[]?[][] chunks, DateTimeOffset committedAt, int pagesWritten, long bytesWritten)
    {
        private Reader? _currentReader;

        public long Version { get; } = version;

        public long PageCount { get; } = pageCount;

        public byte[]?[][] Chunks { get; } = chunks;

        /// <summary>The version's record, as <see cref="IPageStoreHistory"/> lists it.</summary>
        public StoreVersion Info => new(Version, committedAt, PageCount, pagesWritten, bytesWritten);

        /// <summary>The same version over other chunks (a test's damaged page).</summary>
        public Snapshot WithChunks(byte[]?[][] replaced) => new(Version, PageCount, replaced, committedAt, pagesWritten, bytesWritten);

        /// <summary>A reader for callers already at this version; readers hold no state of their own.</summary>
        public Reader CurrentReader(StoreLineage lineage) => _currentReader ??= new Reader(this, lineage, Array.Empty<long>());

        public byte[]? Get(long pageNumber)
        {
            var chunk = pageNumber >> ChunkBits;
            return pageNumber < 0 || chunk >= Chunks.Length ? null : Chunks[chunk]?[pageNumber & (ChunkSize - 1)];
        }
    }

    private sealed class Reader(Snapshot snapshot, StoreLineage lineage, IReadOnlyCollection<long>? changed) : IPageStoreReader
    {
        public StoreLineage Lineage => lineage;

        public long Version => snapshot.Version;

        public long PageCount => snapshot.PageCount;

        public IReadOnlyCollection<long>? ChangedPagesSinceKnown => changed;

        public int ReadPage(long pageNumber, Span<byte> destination)
        {
            var value = snapshot.Get(pageNumber);
            if (value is null)
            {
                return 0;
            }
            value.CopyTo(destination);
            return value.Length;
        }

        public void Dispose()
        {
        }
    }
}
