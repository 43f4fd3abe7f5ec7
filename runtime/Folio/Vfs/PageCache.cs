namespace Folio.Vfs;

/// <summary>
/// Decoded pages of one database, shared by all its connections in this process, valid for one
/// store version at a time. It survives transactions: when a read starts at a newer version,
/// only the pages the store reports as changed are dropped (everything, when it cannot tell).
/// A reader pinned at another version than the cache's simply bypasses it.
/// </summary>
internal sealed class PageCache
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, Entry> _pages = new();
    private readonly int _capacity;
    private long _version = -1;
    private long _clock;

    public PageCache(int capacityPages)
    {
        _capacity = Math.Max(0, capacityPages);
    }

    /// <summary>The version the cached pages belong to; -1 when nothing is known.</summary>
    public long Version
    {
        get
        {
            lock (_lock)
            {
                return _version;
            }
        }
    }

    /// <summary>Moves the cache to <paramref name="version"/>, dropping the <paramref name="changed"/> pages (all when null).</summary>
    public void Advance(long fromVersion, long version, IReadOnlyCollection<long>? changed)
    {
        lock (_lock)
        {
            if (version <= _version)
            {
                return; // an older or equal reader: nothing to learn
            }
            if (changed is null || fromVersion != _version)
            {
                _pages.Clear();
            }
            else
            {
                foreach (var page in changed)
                {
                    _pages.Remove(page);
                }
            }
            _version = version;
        }
    }

    /// <summary>Copies page <paramref name="page"/> into <paramref name="destination"/> if it is cached at <paramref name="version"/>.</summary>
    public bool TryRead(long version, long page, Span<byte> destination) => TryRead(version, page, 0, destination);

    /// <summary>Copies part of page <paramref name="page"/>, from <paramref name="offset"/>, if it is cached at <paramref name="version"/>.</summary>
    public bool TryRead(long version, long page, int offset, Span<byte> destination)
    {
        if (_capacity == 0)
        {
            return false;
        }
        lock (_lock)
        {
            if (version != _version || !_pages.TryGetValue(page, out var entry))
            {
                return false;
            }
            entry.LastUse = ++_clock;
            entry.Data.AsSpan(offset, destination.Length).CopyTo(destination);
            return true;
        }
    }

    /// <summary>Caches a page read at <paramref name="version"/> (ignored when the cache is at another version).</summary>
    public void Add(long version, long page, ReadOnlySpan<byte> data)
    {
        if (_capacity == 0)
        {
            return;
        }
        lock (_lock)
        {
            if (version != _version)
            {
                return;
            }
            if (_pages.TryGetValue(page, out var entry))
            {
                data.CopyTo(entry.Data);
                entry.LastUse = ++_clock;
                return;
            }
            if (_pages.Count >= _capacity)
            {
                EvictOldest();
            }
            _pages[page] = new Entry(data.ToArray(), ++_clock);
        }
    }

    /// <summary>
    /// Applies a commit this process made: when the cache was at <paramref name="expectedVersion"/>,
    /// it moves to <paramref name="newVersion"/> with the committed pages; otherwise it is emptied.
    /// </summary>
    public void ApplyCommit(long expectedVersion, long newVersion, long oldPageCount, long newPageCount, IEnumerable<KeyValuePair<long, byte[]>> pages)
    {
        lock (_lock)
        {
            if (_version != expectedVersion)
            {
                _pages.Clear();
                _version = newVersion;
                return;
            }
            _version = newVersion;
            for (var number = newPageCount; number < oldPageCount; number++)
            {
                _pages.Remove(number);
            }
            // Committed pages are the likeliest to be read (and compared) next: keep them all, so
            // the next write transaction needs no store read to find its originals.
            foreach (var (number, data) in pages)
            {
                if (_pages.TryGetValue(number, out var entry))
                {
                    data.CopyTo(entry.Data, 0);
                    entry.LastUse = ++_clock;
                }
                else if (_capacity > 0)
                {
                    if (_pages.Count >= _capacity)
                    {
                        EvictOldest();
                    }
                    _pages[number] = new Entry((byte[])data.Clone(), ++_clock);
                }
            }
        }
    }

    /// <summary>
    /// Compares <paramref name="data"/> with page <paramref name="page"/> as cached at
    /// <paramref name="version"/>: true or false when cached, null when not.
    /// </summary>
    public bool? Matches(long version, long page, ReadOnlySpan<byte> data)
    {
        lock (_lock)
        {
            if (version != _version || !_pages.TryGetValue(page, out var entry))
            {
                return null;
            }
            return entry.Data.AsSpan().SequenceEqual(data);
        }
    }

    /// <summary>Drops everything (used after a failure whose outcome is unknown).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _pages.Clear();
            _version = -1;
        }
    }

    // Drops the least recently used eighth: amortised O(1) per insertion, no per-access allocation.
    private void EvictOldest()
    {
        var victims = Math.Max(1, _pages.Count / 8);
        foreach (var (number, _) in _pages.OrderBy(p => p.Value.LastUse).Take(victims).ToList())
        {
            _pages.Remove(number);
        }
    }

    private sealed class Entry(byte[] data, long lastUse)
    {
        public byte[] Data { get; } = data;

        public long LastUse { get; set; } = lastUse;
    }
}
