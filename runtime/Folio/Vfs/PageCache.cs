namespace Folio.Vfs;

/// <summary>
/// Decoded pages of one database, shared by all its connections in this process, valid for one
/// store version at a time. It survives transactions: when a read starts at a newer version,
/// only the pages the store reports as changed are dropped (everything, when it cannot tell).
/// A reader pinned at another version than the cache's simply bypasses it.
/// </summary>
/// <remarks>
/// Eviction is CLOCK (second chance): every entry has a referenced bit set on use; when the cache
/// is full, a hand sweeps the slots, clearing bits, and takes the first entry whose bit was
/// clear. Each access and insertion costs O(1) amortised, with no allocation per access.
/// <para>A page hit takes no lock: changes happen under the lock between two increments of a
/// sequence number (odd while one is under way), and a hit counts only when the number was even
/// and unchanged across its copy; otherwise it takes the lock. An entry's bytes change only
/// inside such a change.</para>
/// </remarks>
internal sealed class PageCache
{
    private readonly Lock _lock = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, Entry> _pages = new();
    private readonly int _capacity;
    private readonly Entry?[] _slots;
    private readonly Stack<int> _freeSlots = new();
    private int _hand;
    private long _version = -1;
    private long _sequence; // odd while a change is under way (see the remarks)

    public PageCache(int capacityPages)
    {
        _capacity = Math.Max(0, capacityPages);
        _slots = new Entry?[_capacity];
        ResetFreeSlots();
    }

    /// <summary>The version the cached pages belong to; -1 when nothing is known.</summary>
    public long Version
    {
        get => Volatile.Read(ref _version);
    }

    /// <summary>Moves the cache to <paramref name="version"/>, dropping the <paramref name="changed"/> pages (all when null).</summary>
    public void Advance(long fromVersion, long version, IReadOnlyCollection<long>? changed)
    {
        if (version <= Volatile.Read(ref _version))
        {
            return; // an older or equal reader: nothing to learn (the version only grows, but for Clear)
        }
        lock (_lock)
        {
            if (version <= _version)
            {
                return;
            }
            using var change = new Change(this);
            if (changed is null || fromVersion != _version)
            {
                ClearLocked();
            }
            else
            {
                foreach (var page in changed)
                {
                    RemoveLocked(page);
                }
            }
            Volatile.Write(ref _version, version);
        }
    }

    /// <summary>How many pages the cache holds at most.</summary>
    public int Capacity => _capacity;

    /// <summary>True when page <paramref name="page"/> is cached at <paramref name="version"/>.</summary>
    public bool Contains(long version, long page)
    {
        lock (_lock)
        {
            return version == _version && _pages.ContainsKey(page);
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
        var sequence = Volatile.Read(ref _sequence);
        if ((sequence & 1) == 0)
        {
            if (Volatile.Read(ref _version) != version || !_pages.TryGetValue(page, out var seen))
            {
                return false; // not cached at this version (or just changing): the caller reads the store
            }
            seen.Data.AsSpan(offset, destination.Length).CopyTo(destination);
            Interlocked.MemoryBarrier(); // the copy completes before the sequence is read again
            if (Volatile.Read(ref _sequence) == sequence)
            {
                seen.Referenced = true;
                return true;
            }
        }
        lock (_lock)
        {
            if (version != _version || !_pages.TryGetValue(page, out var entry))
            {
                return false;
            }
            entry.Referenced = true;
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
            using var change = new Change(this);
            if (_pages.TryGetValue(page, out var entry))
            {
                data.CopyTo(entry.Data);
                entry.Referenced = true;
                return;
            }
            InsertLocked(page, data);
        }
    }

    /// <summary>
    /// Applies a commit this process made: when the cache was at <paramref name="expectedVersion"/>,
    /// it moves to <paramref name="newVersion"/> with the committed pages; otherwise it is emptied.
    /// </summary>
    public void ApplyCommit(long expectedVersion, long newVersion, long oldPageCount, long newPageCount, IReadOnlyList<KeyValuePair<long, byte[]>> pages)
    {
        lock (_lock)
        {
            using var change = new Change(this);
            if (_version != expectedVersion)
            {
                ClearLocked();
                Volatile.Write(ref _version, newVersion);
                return;
            }
            Volatile.Write(ref _version, newVersion);
            for (var number = newPageCount; number < oldPageCount; number++)
            {
                RemoveLocked(number);
            }
            // Committed pages are the likeliest to be read (and compared) next: keep them all, so
            // the next write transaction needs no store read to find its originals.
            for (var i = 0; i < pages.Count; i++)
            {
                var (number, data) = pages[i];
                if (_pages.TryGetValue(number, out var entry))
                {
                    data.CopyTo(entry.Data, 0);
                    entry.Referenced = true;
                }
                else if (_capacity > 0)
                {
                    InsertLocked(number, data);
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

    /// <summary>
    /// Drops everything: after a commit the cache could not take in (its bookkeeping failed), so
    /// it never serves a page older than the store's.
    /// </summary>
    public void Clear()
    {
        lock (_lock)
        {
            using var change = new Change(this);
            ClearLocked();
            Volatile.Write(ref _version, -1);
        }
    }

    private void InsertLocked(long page, ReadOnlySpan<byte> data)
    {
        var slot = _freeSlots.TryPop(out var free) ? free : EvictLocked();
        var entry = new Entry(page, slot, data.ToArray());
        _slots[slot] = entry;
        _pages[page] = entry;
    }

    // The hand passes over referenced entries (clearing their bit) and takes the first one that
    // was not used since its last pass: at most two turns, O(1) amortised per insertion.
    private int EvictLocked()
    {
        while (true)
        {
            var slot = _hand;
            _hand = (_hand + 1) % _capacity;
            var entry = _slots[slot]!;
            if (entry.Referenced)
            {
                entry.Referenced = false;
                continue;
            }
            _pages.TryRemove(entry.Page, out _);
            _slots[slot] = null;
            return slot;
        }
    }

    private void RemoveLocked(long page)
    {
        if (_pages.TryRemove(page, out var entry))
        {
            _slots[entry.Slot] = null;
            _freeSlots.Push(entry.Slot);
        }
    }

    private void ClearLocked()
    {
        _pages.Clear();
        Array.Clear(_slots);
        _hand = 0;
        ResetFreeSlots();
    }

    private void ResetFreeSlots()
    {
        _freeSlots.Clear();
        for (var slot = _capacity - 1; slot >= 0; slot--)
        {
            _freeSlots.Push(slot);
        }
    }

    /// <summary>One change under the lock: the sequence is odd from its start to its end.</summary>
    private readonly ref struct Change
    {
        private readonly PageCache _cache;

        public Change(PageCache cache)
        {
            _cache = cache;
            Volatile.Write(ref cache._sequence, cache._sequence + 1);
            Interlocked.MemoryBarrier(); // readers see the odd number before any change
        }

        public void Dispose() => Volatile.Write(ref _cache._sequence, _cache._sequence + 1);
    }

    private sealed class Entry(long page, int slot, byte[] data)
    {
        public long Page { get; } = page;

        public int Slot { get; } = slot;

        public byte[] Data { get; } = data;

        public bool Referenced { get; set; } = true;
    }
}
