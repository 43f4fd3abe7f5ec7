using System.Diagnostics.Metrics;

namespace Folio.Diagnostics;

/// <summary>
/// What one database's store did in this process: counters since the database was attached.
/// The same numbers are published through the <c>Folio</c> <see cref="Meter"/>, tagged with the
/// database name, for OpenTelemetry and <c>dotnet-counters</c>.
/// </summary>
public sealed class FolioStatistics
{
    private static readonly Meter Meter = new("Folio", "1.0");
    private static readonly Counter<long> StoreCallsCounter = Meter.CreateCounter<long>("folio.store.calls", "{call}", "Calls made to page stores.");
    private static readonly Counter<long> PagesReadCounter = Meter.CreateCounter<long>("folio.pages.read", "{page}", "Pages read from page stores.");
    private static readonly Counter<long> BytesReadCounter = Meter.CreateCounter<long>("folio.bytes.read", "By", "Bytes read from page stores.");
    private static readonly Counter<long> PagesWrittenCounter = Meter.CreateCounter<long>("folio.pages.written", "{page}", "Pages written to page stores.");
    private static readonly Counter<long> BytesWrittenCounter = Meter.CreateCounter<long>("folio.bytes.written", "By", "Bytes written to page stores.");
    private static readonly Counter<long> CommitsCounter = Meter.CreateCounter<long>("folio.commits", "{commit}", "Transactions committed to page stores.");
    private static readonly Counter<long> ConflictsCounter = Meter.CreateCounter<long>("folio.conflicts", "{commit}", "Commits refused because another writer committed first.");
    private static readonly Counter<long> CacheHitsCounter = Meter.CreateCounter<long>("folio.cache.hits", "{page}", "Page reads served by Folio's page cache.");

    private readonly KeyValuePair<string, object?> _tag;
    private long _storeCalls;
    private long _pagesRead;
    private long _bytesRead;
    private long _pagesWritten;
    private long _bytesWritten;
    private long _commits;
    private long _conflicts;
    private long _failedCommits;
    private long _cacheHits;
    private long _readTransactions;
    private long _assumedReads;

    // Each connection's own read counters, written by that connection alone (no shared
    // Interlocked on the read path) and summed when a figure is asked for.
    private readonly Lock _readersLock = new();
    private readonly HashSet<ReaderCounters> _readers = [];

    internal FolioStatistics(string database)
    {
        Database = database;
        _tag = new KeyValuePair<string, object?>("folio.database", database);
    }

    /// <summary>The database these counters describe.</summary>
    public string Database { get; }

    /// <summary>Calls made to the store (reads, read starts, commits).</summary>
    public long StoreCalls => Sum(ref _storeCalls, static c => c.StoreCalls);

    /// <summary>Pages read from the store.</summary>
    public long PagesRead => Interlocked.Read(ref _pagesRead);

    /// <summary>Stored bytes read from the store (headers included).</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>Pages written to the store.</summary>
    public long PagesWritten => Interlocked.Read(ref _pagesWritten);

    /// <summary>Stored bytes written to the store (headers included).</summary>
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    /// <summary>Transactions committed to the store.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Commits refused because the store had moved on (SQLITE_BUSY for the caller).</summary>
    public long Conflicts => Interlocked.Read(ref _conflicts);

    /// <summary>Commits that failed for any other reason (the store was left untouched).</summary>
    public long FailedCommits => Interlocked.Read(ref _failedCommits);

    /// <summary>Page reads served by the page cache (each read adds its own when it ends).</summary>
    public long CacheHits => Sum(ref _cacheHits, static c => c.CacheHits);

    /// <summary>Read transactions started (each pins one store version).</summary>
    public long ReadTransactions => Sum(ref _readTransactions, static c => c.ReadTransactions);

    /// <summary>
    /// Writes begun without a read start, on the newest version this process knew of a shared
    /// store: their commit expects that version, and a refused one runs again on a read start
    /// (which <see cref="ReadTransactions"/> and <see cref="Conflicts"/> count).
    /// </summary>
    public long AssumedReads => Interlocked.Read(ref _assumedReads);

    /// <inheritdoc />
    public override string ToString() =>
        $"store calls {StoreCalls}, read transactions {ReadTransactions}, pages read {PagesRead} ({BytesRead} bytes), " +
        $"cache hits {CacheHits}, commits {Commits}, pages written {PagesWritten} ({BytesWritten} bytes), " +
        $"conflicts {Conflicts}, failed commits {FailedCommits}";

    /// <summary>Counters for one connection's reads, included in the figures until <see cref="Release"/>.</summary>
    internal ReaderCounters Register()
    {
        var counters = new ReaderCounters();
        lock (_readersLock)
        {
            _readers.Add(counters);
        }
        return counters;
    }

    /// <summary>The connection closed: its counts move into the database's own.</summary>
    internal void Release(ReaderCounters counters)
    {
        lock (_readersLock)
        {
            if (_readers.Remove(counters))
            {
                _cacheHits += counters.CacheHits;
                _readTransactions += counters.ReadTransactions;
                Interlocked.Add(ref _storeCalls, counters.StoreCalls);
            }
        }
    }

    /// <summary>A read started on a connection with counters of its own.</summary>
    internal void OnReadStarted(ReaderCounters counters)
    {
        counters.ReadTransactions++;
        counters.StoreCalls++;
        StoreCallsCounter.Add(1, _tag);
    }

    /// <summary>A read served <paramref name="pages"/> page reads from the page cache, counted on its connection.</summary>
    internal void OnCacheHits(ReaderCounters counters, long pages)
    {
        counters.CacheHits += pages;
        CacheHitsCounter.Add(pages, _tag);
    }

    private long Sum(ref long own, Func<ReaderCounters, long> part)
    {
        lock (_readersLock)
        {
            var total = Volatile.Read(ref own);
            foreach (var counters in _readers)
            {
                total += part(counters);
            }
            return total;
        }
    }

    internal void OnReadStarted()
    {
        lock (_readersLock)
        {
            _readTransactions++;
        }
        Interlocked.Increment(ref _storeCalls);
        StoreCallsCounter.Add(1, _tag);
    }

    internal void OnAssumedRead() => Interlocked.Increment(ref _assumedReads);

    internal void OnPagesRead(int pages, long bytes)
    {
        Interlocked.Increment(ref _storeCalls);
        Interlocked.Add(ref _pagesRead, pages);
        Interlocked.Add(ref _bytesRead, bytes);
        StoreCallsCounter.Add(1, _tag);
        PagesReadCounter.Add(pages, _tag);
        BytesReadCounter.Add(bytes, _tag);
    }

    /// <summary>A read served <paramref name="pages"/> page reads from the page cache (added when the read ends).</summary>
    internal void OnCacheHits(long pages)
    {
        lock (_readersLock)
        {
            _cacheHits += pages;
        }
        CacheHitsCounter.Add(pages, _tag);
    }

    internal void OnCommitted(int pages, long bytes)
    {
        Interlocked.Increment(ref _storeCalls);
        Interlocked.Increment(ref _commits);
        Interlocked.Add(ref _pagesWritten, pages);
        Interlocked.Add(ref _bytesWritten, bytes);
        StoreCallsCounter.Add(1, _tag);
        CommitsCounter.Add(1, _tag);
        PagesWrittenCounter.Add(pages, _tag);
        BytesWrittenCounter.Add(bytes, _tag);
    }

    internal void OnConflict()
    {
        Interlocked.Increment(ref _storeCalls);
        Interlocked.Increment(ref _conflicts);
        StoreCallsCounter.Add(1, _tag);
        ConflictsCounter.Add(1, _tag);
    }

    internal void OnCommitFailed()
    {
        Interlocked.Increment(ref _storeCalls);
        Interlocked.Increment(ref _failedCommits);
        StoreCallsCounter.Add(1, _tag);
    }
}

/// <summary>
/// One connection's read counters: plain fields its own connection writes (SQLite runs one call
/// at a time on a connection); readers of the figures may see a count a moment old, never a torn one.
/// </summary>
internal sealed class ReaderCounters
{
    private long _cacheHits;
    private long _readTransactions;
    private long _storeCalls;

    public long CacheHits
    {
        get => Volatile.Read(ref _cacheHits);
        set => Volatile.Write(ref _cacheHits, value);
    }

    public long ReadTransactions
    {
        get => Volatile.Read(ref _readTransactions);
        set => Volatile.Write(ref _readTransactions, value);
    }

    public long StoreCalls
    {
        get => Volatile.Read(ref _storeCalls);
        set => Volatile.Write(ref _storeCalls, value);
    }
}
