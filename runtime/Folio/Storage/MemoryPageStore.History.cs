namespace Folio.Storage;

public sealed partial class MemoryPageStore : IPageStoreHistory
{
    // The retained past versions, oldest first, as a ring: collection drops from the old end in
    // O(1) per version, and a version is found by its distance from the oldest (versions are
    // consecutive). Guarded by _commitLock.
    private Snapshot[] _past = new Snapshot[8];
    private int _pastStart;
    private int _pastCount;

    /// <inheritdoc />
    public HistoryRetention Retention { get; }

    /// <inheritdoc />
    public StoreHistoryRange GetHistoryRange()
    {
        lock (_commitLock)
        {
            var newest = _current.Version;
            return new StoreHistoryRange(Lineage, _pastCount == 0 ? newest : PastAt(0).Version, newest);
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<StoreVersion> GetVersions(long newest, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var versions = new List<StoreVersion>();
        lock (_commitLock)
        {
            if (_current.Version <= newest && _current.Version > 0 && versions.Count < count)
            {
                versions.Add(_current.Info);
            }
            for (var i = _pastCount - 1; i >= 0 && versions.Count < count; i--)
            {
                var past = PastAt(i);
                if (past.Version <= newest && past.Version > 0)
                {
                    versions.Add(past.Info);
                }
            }
        }
        return versions;
    }

    /// <inheritdoc />
    public StoreVersion? FindVersionAt(DateTimeOffset time)
    {
        lock (_commitLock)
        {
            return InForceAt(time)?.Info;
        }
    }

    /// <inheritdoc />
    public IPageStoreReader BeginReadAt(long version)
    {
        lock (_commitLock)
        {
            var current = _current;
            if (version == current.Version)
            {
                return new Reader(current, Lineage, null);
            }
            var oldest = _pastCount == 0 ? current.Version : PastAt(0).Version;
            if (version < oldest || version > current.Version)
            {
                throw new VersionNotRetainedException(Name, version, new StoreHistoryRange(Lineage, oldest, current.Version));
            }
            // A reader holds its snapshot: collection can drop the version later without breaking the read.
            return new Reader(PastAt((int)(version - oldest)), Lineage, null);
        }
    }

    /// <inheritdoc />
    public StoreHistoryUsage GetUsage()
    {
        lock (_commitLock)
        {
            // A past value costs memory only when no newer retained version still holds it.
            var live = new HashSet<byte[]>(ReferenceEqualityComparer.Instance);
            long values = 0, bytes = 0;
            AddValues(_current, live, count: false, ref values, ref bytes);
            for (var i = _pastCount - 1; i >= 0; i--)
            {
                AddValues(PastAt(i), live, count: true, ref values, ref bytes);
            }
            return new StoreHistoryUsage(values, bytes, _pastCount + (_current.Version > 0 ? 1 : 0));
        }
    }

    private static void AddValues(Snapshot snapshot, HashSet<byte[]> seen, bool count, ref long values, ref long bytes)
    {
        foreach (var chunk in snapshot.Chunks)
        {
            if (chunk is null)
            {
                continue;
            }
            foreach (var value in chunk)
            {
                if (value is not null && seen.Add(value) && count)
                {
                    values++;
                    bytes += value.Length;
                }
            }
        }
    }

    /// <summary>At a commit (under the commit lock): keeps <paramref name="replaced"/> as a past version, then collects what fell out of retention.</summary>
    private void Retain(Snapshot replaced, Snapshot next)
    {
        if (!Retention.IsEnabled || replaced.Version == 0)
        {
            return; // version 0, the empty database before the first commit, is not a version to go back to
        }
        if (_pastCount == _past.Length)
        {
            var grown = new Snapshot[_past.Length * 2];
            for (var i = 0; i < _pastCount; i++)
            {
                grown[i] = PastAt(i);
            }
            _past = grown;
            _pastStart = 0;
        }
        _past[(_pastStart + _pastCount) % _past.Length] = replaced;
        _pastCount++;
        var oldest = Retention.OldestToKeep(next.Version, next.Info.CommittedAt, time => InForceAt(time)?.Version);
        while (_pastCount > 0 && PastAt(0).Version < oldest)
        {
            _past[_pastStart] = null!;
            _pastStart = (_pastStart + 1) % _past.Length;
            _pastCount--;
        }
    }

    private Snapshot PastAt(int index) => _past[(_pastStart + index) % _past.Length];

    /// <summary>The newest retained version committed at or before <paramref name="time"/> (a binary search: commit times only grow).</summary>
    private Snapshot? InForceAt(DateTimeOffset time)
    {
        if (_current.Version > 0 && _current.Info.CommittedAt <= time)
        {
            return _current;
        }
        int low = 0, high = _pastCount - 1;
        Snapshot? found = null;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            var candidate = PastAt(middle);
            if (candidate.Info.CommittedAt <= time)
            {
                found = candidate;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }
        return found;
    }
}
