using System.Buffers.Binary;
using Folio.Storage;
using StackExchange.Redis;

namespace Folio.Redis;

/// <summary>
/// A read pinned at one version of a Redis database. Pages come from Redis in batches: a page
/// read right after its predecessor starts read-ahead (the next pages in the same round trip,
/// the window doubling while the reads stay sequential), and the extra pages wait in a small
/// buffer for this read only.
/// </summary>
/// <remarks>
/// Redis keeps only the newest value of each page, so every fetch also returns the current
/// version. When it still equals the pinned version the values are the pinned ones. Otherwise a
/// value belongs to the pinned version only if the version stored in front of it is not newer;
/// a newer page, or a missing page below the pinned page count (deleted since), means the
/// snapshot is gone: <see cref="StoreConflictException"/>, which SQLite sees as SQLITE_BUSY and retries.
/// A past read (<see cref="RedisPageStore.BeginReadAt"/>) fetches with <see cref="RedisScript.ReadPagesAt"/>
/// instead, which finds each page's value at the pinned version in the retained history: every value
/// it returns belongs to that version, and a version no longer retained fails the read with
/// <see cref="VersionNotRetainedException"/>.
/// </remarks>
internal sealed class RedisPageReader : IPageStoreReader
{
    private readonly RedisPageStore _store;

    // Read-ahead pages fetched at the pinned version and not yet asked for (null: the page has no value).
    private readonly Dictionary<long, byte[]?> _buffer = new();
    private long _lastPage = -2;
    private int _window;

    // True for a read of the retained history: pages come from ReadPagesAt and never conflict.
    private readonly bool _past;

    public RedisPageReader(RedisPageStore store, StoreLineage lineage, long version, long pageCount, IReadOnlyCollection<long>? changed, bool past = false)
    {
        _store = store;
        _past = past;
        Lineage = lineage;
        Version = version;
        PageCount = pageCount;
        ChangedPagesSinceKnown = changed;
    }

    public StoreLineage Lineage { get; }

    public long Version { get; }

    public long PageCount { get; }

    public IReadOnlyCollection<long>? ChangedPagesSinceKnown { get; }

    public int ReadPage(long pageNumber, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pageNumber);
        var sequential = pageNumber == _lastPage + 1;
        _lastPage = pageNumber;
        if (_buffer.Remove(pageNumber, out var buffered))
        {
            return CopyOut(pageNumber, buffered, destination);
        }

        var readAhead = _store.Options.ReadAheadPages;
        _window = !sequential || readAhead == 0 ? 0
            : _window == 0 ? Math.Min(_store.Options.InitialReadAheadPages, readAhead)
            : Math.Min(_window * 2, readAhead);
        var batch = new List<long>(1 + _window) { pageNumber };
        for (var next = pageNumber + 1; next <= pageNumber + _window && next < PageCount; next++)
        {
            if (!_buffer.ContainsKey(next))
            {
                batch.Add(next);
            }
        }

        var (current, values) = Fetch(batch);
        var value = Check(pageNumber, values[0], current);
        if (_buffer.Count > 4 * Math.Max(readAhead, 1))
        {
            _buffer.Clear(); // pages fetched ahead but never asked for: SQLite went elsewhere
        }
        for (var i = 1; i < batch.Count; i++)
        {
            // A read-ahead page that no longer belongs to the pinned version is simply not kept:
            // only a page SQLite actually asks for fails the read.
            if (TryCheck(batch[i], values[i], current, out var ahead))
            {
                _buffer[batch[i]] = ahead;
            }
        }
        return CopyOut(pageNumber, value, destination);
    }

    public void ReadPages(ReadOnlySpan<long> pageNumbers, Span<byte> destination, int slotSize, Span<int> lengths)
    {
        var missing = Unbuffered(pageNumbers);
        if (missing.Count > 0)
        {
            var (keys, values, operation) = FetchArguments(missing);
            Keep(missing, _store.Run(operation, write: false, () => FetchScript.Evaluate(_store, keys, values)));
        }
        CopyOut(pageNumbers, destination, slotSize, lengths);
    }

    /// <summary>
    /// The asynchronous twin of <see cref="ReadPages"/>: one EVALSHA with StackExchange.Redis's
    /// async API, so no thread waits for Redis. A read changes nothing, so a cancelled call stops
    /// waiting at once; Redis's late answer is dropped.
    /// </summary>
    public async ValueTask ReadPagesAsync(ReadOnlyMemory<long> pageNumbers, Memory<byte> destination, int slotSize, Memory<int> lengths, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var missing = Unbuffered(pageNumbers.Span);
        if (missing.Count > 0)
        {
            var (keys, values, operation) = FetchArguments(missing);
            var result = await _store.RunAsync(operation, write: false,
                () => FetchScript.EvaluateAsync(_store, keys, values).WaitAsync(cancellationToken)).ConfigureAwait(false);
            Keep(missing, result);
        }
        CopyOut(pageNumbers.Span, destination.Span, slotSize, lengths.Span);
    }

    /// <summary>The distinct pages of <paramref name="pageNumbers"/> not in the read-ahead buffer.</summary>
    private List<long> Unbuffered(ReadOnlySpan<long> pageNumbers)
    {
        var missing = new List<long>();
        var seen = new HashSet<long>();
        foreach (var page in pageNumbers)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(page, nameof(pageNumbers));
            if (!_buffer.ContainsKey(page) && seen.Add(page))
            {
                missing.Add(page);
            }
        }
        return missing;
    }

    /// <summary>Checks the fetched values against the pinned version and buffers them.</summary>
    private void Keep(List<long> missing, RedisResult result)
    {
        var (current, values) = FetchOutcome(missing, result);
        for (var i = 0; i < missing.Count; i++)
        {
            _buffer[missing[i]] = Check(missing[i], values[i], current);
        }
    }

    /// <summary>Hands the buffered pages of <paramref name="pageNumbers"/> over, one slot each, and forgets them.</summary>
    private void CopyOut(ReadOnlySpan<long> pageNumbers, Span<byte> destination, int slotSize, Span<int> lengths)
    {
        for (var i = 0; i < pageNumbers.Length; i++)
        {
            var page = pageNumbers[i];
            var value = _buffer[page];
            lengths[i] = CopyOut(page, value, destination.Slice(i * slotSize, slotSize));
        }
        foreach (var page in pageNumbers)
        {
            _buffer.Remove(page);
        }
    }

    public void Dispose() => _buffer.Clear();

    /// <summary>Keeps a page that came with the read start (read at the pinned version by construction).</summary>
    internal void Prefetched(long page, RedisResult stored)
    {
        var value = stored.IsNull ? null : (byte[])stored!;
        _store.OnPagesRead(1, value?.Length ?? 0);
        if (TryCheck(page, stored, Version, out var checkedValue))
        {
            _buffer[page] = checkedValue;
        }
    }

    /// <summary>One round trip: the current version and the values of <paramref name="pages"/>.</summary>
    private (long Current, RedisResult[] Values) Fetch(List<long> pages)
    {
        var (keys, values, operation) = FetchArguments(pages);
        return FetchOutcome(pages, _store.Run(operation, write: false, () => FetchScript.Evaluate(_store, keys, values)));
    }

    /// <summary>The script that fetches pages: at the current version, or from the retained history.</summary>
    private RedisScript FetchScript => _past ? RedisScript.ReadPagesAt : RedisScript.ReadPages;

    /// <summary>The read script's keys (the metadata hash, then the pages), its arguments and the operation's name for errors.</summary>
    private (RedisKey[] Keys, RedisValue[] Values, string Operation) FetchArguments(List<long> pages)
    {
        var keys = new RedisKey[1 + pages.Count];
        keys[0] = _store.Keys.Meta;
        for (var i = 0; i < pages.Count; i++)
        {
            keys[1 + i] = _store.Keys.Page(pages[i]);
        }
        var operation = pages.Count == 1 ? $"read of page {pages[0]} at version {Version}" : $"read of {pages.Count} pages from page {pages[0]} at version {Version}";
        RedisValue[] values = _past ? [Version, _store.Keys.PagePrefix, _store.Keys.HistoryPrefix] : [];
        return (keys, values, operation);
    }

    /// <summary>What the read script answered: the current version and one value per page, checked against this read's history.</summary>
    private (long Current, RedisResult[] Values) FetchOutcome(List<long> pages, RedisResult result)
    {
        var items = (RedisResult[])result!;
        if (items.Length == 0 || items[0].IsNull)
        {
            throw _store.DatabaseMissing(Lineage, Version);
        }
        var current = (long)items[0];
        var first = 1;
        if (_past)
        {
            first = PastHead(items, pages.Count, current);
        }
        if (current < Version)
        {
            throw new HistoryChangedException(_store.Name, Lineage, Version, Lineage, current,
                "Redis is older than the version this read started at: it lost acknowledged writes (a restart without persistence, or a failover to a lagging replica)");
        }
        if (current != Version && _store.Options.Owned && !_past)
        {
            throw _store.LoseOwnership(Version, current, "another writer committed after this process claimed the database");
        }
        var values = new RedisResult[pages.Count];
        long bytes = 0;
        for (var i = 0; i < pages.Count; i++)
        {
            values[i] = items[first + i];
            bytes += values[i].IsNull ? 0 : ((byte[])values[i]!).Length;
        }
        _store.OnPagesRead(pages.Count, bytes);
        // A past read's values all belong to its version: checked as if the database were still there.
        return (_past ? Version : current, values);
    }

    /// <summary>
    /// Checks the head <see cref="RedisScript.ReadPagesAt"/> answered ([current, oldest, id, epoch],
    /// then the values only while the version is retained); returns where the values start.
    /// </summary>
    private int PastHead(RedisResult[] items, int pages, long current)
    {
        var lineage = _store.ParseLineage((RedisValue)items[2], (RedisValue)items[3]);
        if (lineage != Lineage)
        {
            throw new HistoryChangedException(_store.Name, Lineage, Version, lineage, current,
                "the database was replaced by another history while a read of a past version was open");
        }
        if (current >= Version && items.Length < 4 + pages)
        {
            throw new VersionNotRetainedException(_store.Name, Version, new StoreHistoryRange(lineage, (long)items[1], current),
                "commits collected it while this read was open");
        }
        return 4;
    }

    /// <summary>Returns the page's value at the pinned version, or throws why it cannot.</summary>
    private byte[]? Check(long page, RedisResult stored, long current)
    {
        if (TryCheck(page, stored, current, out var value))
        {
            return value;
        }
        _store.OnConflict();
        var writtenAt = stored.IsNull ? "deleted" : $"rewritten at version {WrittenAt((byte[])stored!)}";
        throw new StoreConflictException(_store.Name,
            $"Folio database '{_store.Name}': page {page} was {writtenAt} after version {Version} this read started at (Redis is at version {current}). Retry the transaction.");
    }

    private bool TryCheck(long page, RedisResult stored, long current, out byte[]? value)
    {
        value = stored.IsNull ? null : (byte[])stored!;
        if (value is null)
        {
            // Absent at the pinned version reads as zeros; absent now but inside the pinned page
            // count may mean it was deleted since (a truncation).
            return current == Version || page >= PageCount;
        }
        if (value.Length < RedisPageStore.ValueHeaderSize)
        {
            throw new PageCorruptException(_store.Name, page, $"its Redis value is {value.Length} bytes, shorter than the {RedisPageStore.ValueHeaderSize}-byte version header");
        }
        var writtenAt = WrittenAt(value);
        if (writtenAt <= Version)
        {
            return true;
        }
        if (current == Version)
        {
            // Newer than the database itself: only a commit interrupted halfway could leave this.
            throw new PageCorruptException(_store.Name, page, $"its Redis value was written at version {writtenAt}, but the database is at version {current}");
        }
        return false;
    }

    private static long WrittenAt(byte[] value) => BinaryPrimitives.ReadInt64LittleEndian(value);

    private int CopyOut(long page, byte[]? value, Span<byte> destination)
    {
        if (value is null)
        {
            return 0;
        }
        var length = value.Length - RedisPageStore.ValueHeaderSize;
        if (length > destination.Length)
        {
            throw new PageCorruptException(_store.Name, page, $"its stored value is {length} bytes, more than the {destination.Length} bytes a page slot holds");
        }
        value.AsSpan(RedisPageStore.ValueHeaderSize).CopyTo(destination);
        return length;
    }
}
