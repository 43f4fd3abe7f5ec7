using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace Folio.Storage;

/// <summary>
/// A page store held in this process's memory, found by name, so every connection of the process
/// that opens the same name sees the same database. Nothing survives the process.
/// </summary>
/// <remarks>
/// Every commit publishes a new immutable snapshot (the page table is a persistent map, so a
/// commit copies only the path to the pages it changes). A reader holds the snapshot it started
/// from, so snapshot isolation costs nothing and no read can ever see two versions.
/// </remarks>
public sealed class MemoryPageStore : IPageStore
{
    private static readonly ConcurrentDictionary<string, MemoryPageStore> Named = new(StringComparer.Ordinal);

    private readonly Lock _commitLock = new();
    private readonly int _changeLogLength;
    private volatile Snapshot _current;

    /// <summary>Creates an unnamed store that belongs to the caller alone.</summary>
    /// <param name="name">The database name used in messages and by SQLite.</param>
    /// <param name="pageSize">The page size: a power of two from 512 to 65536.</param>
    /// <param name="changeLogLength">How many recent commits' page lists to keep for cache invalidation.</param>
    public MemoryPageStore(string name, int pageSize = PageSizes.Default, int changeLogLength = 256)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        PageSizes.Validate(pageSize, name);
        Name = name;
        PageSize = pageSize;
        _changeLogLength = changeLogLength;
        _current = new Snapshot(0, 0, ImmutableSortedDictionary<long, byte[]>.Empty, ImmutableQueue<(long, long[])>.Empty);
    }

    /// <summary>
    /// Returns the process-wide store called <paramref name="name"/>, creating it with
    /// <paramref name="pageSize"/> the first time.
    /// </summary>
    /// <exception cref="PageSizeMismatchException">The store exists with another page size.</exception>
    public static MemoryPageStore GetOrCreate(string name, int pageSize = PageSizes.Default)
    {
        PageSizes.Validate(pageSize, name);
        var store = Named.GetOrAdd(name, static (n, size) => new MemoryPageStore(n, size), pageSize);
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

    /// <inheritdoc />
    public StoreHead GetHead()
    {
        var snapshot = _current;
        return new StoreHead(snapshot.Version, snapshot.PageCount);
    }

    /// <inheritdoc />
    public IPageStoreReader BeginRead(long knownVersion)
    {
        var snapshot = _current;
        // The common case, a reader whose cache is current, shares one reader per snapshot.
        return knownVersion == snapshot.Version ? snapshot.CurrentReader : new Reader(snapshot, knownVersion);
    }

    /// <inheritdoc />
    public long Commit(StoreCommit commit)
    {
        ArgumentNullException.ThrowIfNull(commit);
        lock (_commitLock)
        {
            var current = _current;
            if (current.Version != commit.ExpectedVersion)
            {
                throw new StoreConflictException(Name, commit.ExpectedVersion, current.Version);
            }

            var pages = current.Pages.ToBuilder();
            foreach (var page in commit.Pages)
            {
                if (page.Number >= commit.NewPageCount)
                {
                    throw new ArgumentException($"Page {page.Number} is past the new page count {commit.NewPageCount}.", nameof(commit));
                }
                pages[page.Number] = page.Data.ToArray();
            }
            var changed = commit.Pages.Select(p => p.Number).ToList();
            for (var number = commit.NewPageCount; number < current.PageCount; number++)
            {
                pages.Remove(number);
                changed.Add(number);
            }

            var log = current.ChangeLog.Enqueue((current.Version + 1, changed.ToArray()));
            if (current.Version >= _changeLogLength)
            {
                log = log.Dequeue();
            }
            _current = new Snapshot(current.Version + 1, commit.NewPageCount, pages.ToImmutable(), log);
            return current.Version + 1;
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
            _current = new Snapshot(current.Version, current.PageCount, current.Pages.SetItem(pageNumber, value.ToArray()), current.ChangeLog);
        }
    }

    /// <summary>Returns a copy of the stored bytes of one page, or null when it has none.</summary>
    public byte[]? GetStoredPage(long pageNumber) =>
        _current.Pages.TryGetValue(pageNumber, out var value) ? (byte[])value.Clone() : null;

    /// <summary>Nothing to release: the data stays reachable by name until <see cref="Drop"/>.</summary>
    public void Dispose()
    {
    }

    private sealed record Snapshot(long Version, long PageCount, ImmutableSortedDictionary<long, byte[]> Pages, ImmutableQueue<(long Version, long[] Pages)> ChangeLog)
    {
        private Reader? _currentReader;

        /// <summary>A reader for callers already at this version; readers hold no state of their own.</summary>
        public Reader CurrentReader => _currentReader ??= new Reader(this, Version);
    }

    private sealed class Reader : IPageStoreReader
    {
        private readonly Snapshot _snapshot;

        public Reader(Snapshot snapshot, long knownVersion)
        {
            _snapshot = snapshot;
            ChangedPagesSinceKnown = ChangesSince(snapshot, knownVersion);
        }

        public long Version => _snapshot.Version;

        public long PageCount => _snapshot.PageCount;

        public IReadOnlyCollection<long>? ChangedPagesSinceKnown { get; }

        public int ReadPage(long pageNumber, Span<byte> destination)
        {
            if (!_snapshot.Pages.TryGetValue(pageNumber, out var value))
            {
                return 0;
            }
            value.CopyTo(destination);
            return value.Length;
        }

        public void Dispose()
        {
        }

        private static IReadOnlyCollection<long>? ChangesSince(Snapshot snapshot, long knownVersion)
        {
            if (knownVersion == snapshot.Version)
            {
                return Array.Empty<long>();
            }
            if (knownVersion <= 0 || knownVersion > snapshot.Version)
            {
                return null;
            }
            var oldest = snapshot.ChangeLog.IsEmpty ? long.MaxValue : snapshot.ChangeLog.Peek().Version;
            if (oldest > knownVersion + 1)
            {
                return null; // the log no longer reaches back that far
            }
            var changed = new HashSet<long>();
            foreach (var (version, pages) in snapshot.ChangeLog)
            {
                if (version > knownVersion)
                {
                    changed.UnionWith(pages);
                }
            }
            return changed;
        }
    }
}
