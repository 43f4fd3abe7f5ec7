using Folio.Diagnostics;
using Folio.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Folio.Vfs;

/// <summary>
/// One store attached to one VFS registration under a name: what SQLite opens by that name.
/// The lock table, page cache and statistics are not its own but the database's
/// (<see cref="DatabaseState"/>), shared with every other attachment of the same database in the
/// process, whichever registration or store instance reaches it.
/// </summary>
internal sealed class SharedDatabase
{
    public SharedDatabase(string name, IPageStore store, StoreHead head, FolioOptions options)
    {
        Name = name;
        Store = store;
        PageSize = store.PageSize;
        Logger = options.Logger ?? NullLogger.Instance;
        BusyTimeout = options.BusyTimeout;
        // An owner's cache is authoritative for that owner alone, and a past version's cache holds
        // the past: each keeps a state of its own, apart from the live database's.
        State = DatabaseState.Acquire(name, PageSize, head, store is PastVersionStore ? store : options.ProcessScope ?? (store.Owned ? store : null), options, Logger);
        try
        {
            CheckKeys(head, options.CheckKeysAtAttach);
        }
        catch
        {
            State.Release();
            throw;
        }
    }

    /// <summary>
    /// With encryption, the wrong key or a missing one must fail before anything is written: the
    /// current key must exist, and page 0 (when there is one) must decode with it. Every
    /// transaction reads page 0 before it writes, so a deferred check (<paramref name="readPage0"/>
    /// false: the asynchronous open, whose connection's first read is awaited) is as safe.
    /// </summary>
    private void CheckKeys(StoreHead head, bool readPage0)
    {
        if (Codec is not PageCodec { Keys: not null } codec)
        {
            return;
        }
        codec.CheckCurrentKey(Name);
        if (head.PageCount == 0 || !readPage0)
        {
            return;
        }
        using var reader = Store.BeginRead(0);
        var stored = new byte[Codec.MaxEncodedSize(PageSize) + 1024];
        var length = reader.ReadPage(0, stored);
        if (length > 0)
        {
            State.DecodePage(reader, 0, stored.AsSpan(0, length), new byte[PageSize]);
        }
    }

    public string Name { get; }

    public IPageStore Store { get; }

    public int PageSize { get; }

    public DatabaseState State { get; }

    public IPageCodec Codec => State.Codec;

    public LockState Locks => State.Locks;

    /// <summary>How long a lock is waited for (<see cref="FolioOptions.BusyTimeout"/>).</summary>
    public TimeSpan BusyTimeout { get; }

    public PageCache Cache => State.Cache;

    public FolioStatistics Statistics => State.Statistics;

    public ILogger Logger { get; }

    /// <summary>Connections attached through <see cref="FolioDatabase"/>; the name is detached when it reaches 0.</summary>
    public int AttachCount;

    /// <summary>
    /// Starts a read pinned at the store's current version, checked against the history this
    /// process has seen, and moves the page cache to it. Returns the cache of that history: a
    /// connection keeps using it for the whole read, so a history change mid-read can never mix
    /// pages of two histories in one cache.
    /// </summary>
    /// <exception cref="HistoryChangedException">The store's history changed; caches were reset.</exception>
    public IPageStoreReader BeginRead(out PageCache cache, Diagnostics.ReaderCounters? counters = null)
    {
        var before = State.Watermark();
        cache = State.Cache;
        var knownVersion = cache.Version;
        return Started(Store.BeginRead(Math.Max(knownVersion, 0)), before, cache, knownVersion, counters);
    }

    /// <summary>The asynchronous twin of <see cref="BeginRead"/>: the store's begin-read is awaited, the checks are the same.</summary>
    public async ValueTask<(IPageStoreReader Reader, PageCache Cache)> BeginReadAsync(CancellationToken cancellationToken)
    {
        var before = State.Watermark();
        var cache = State.Cache;
        var knownVersion = cache.Version;
        var reader = await Store.BeginReadAsync(Math.Max(knownVersion, 0), cancellationToken).ConfigureAwait(false);
        return (Started(reader, before, cache, knownVersion), cache);
    }

    /// <summary>
    /// Starts a read with no store call, at the newest head this process knows
    /// (<see cref="DatabaseState.ConfirmedHead"/>), for a write whose commit proves that head was
    /// still current: the commit expects its version, and the store refuses it otherwise. Only
    /// when nothing is in doubt: a shared store that can read that way
    /// (<see cref="IPageStore.TryBeginReadAssuming"/>), the head's page count known, and the page
    /// cache of the same history at that very version with page 0 in it (SQLite reads it first).
    /// </summary>
    /// <returns>False when any of that is missing: the caller starts a read as usual.</returns>
    public bool TryBeginAssumedRead(out IPageStoreReader reader, out PageCache cache)
    {
        (reader, cache) = (null!, null!);
        if (Store.Owned || State.ConfirmedHead is not ({ } head, var generation))
        {
            return false;
        }
        var current = State.Cache;
        if (generation != State.Generation || head.PageCount == 0 || current.Version != head.Version || !current.Contains(head.Version, 0))
        {
            return false;
        }
        var assumed = Store.TryBeginReadAssuming(head);
        if (assumed is null)
        {
            return false;
        }
        if (assumed.Version != head.Version || assumed.Lineage != head.Lineage || assumed.PageCount != head.PageCount)
        {
            assumed.Dispose(); // not the head it was asked for: nothing to assume
            return false;
        }
        Statistics.OnAssumedRead();
        (reader, cache) = (assumed, current);
        return true;
    }

    /// <summary>
    /// A read the store started: checked against the history seen before it began (the reader is
    /// disposed when the history changed), counted, and the cache moved to its version.
    /// </summary>
    private IPageStoreReader Started(IPageStoreReader reader, (int Generation, long Confirmed) before, PageCache cache, long knownVersion, Diagnostics.ReaderCounters? counters = null)
    {
        try
        {
            State.Observe(reader.Lineage, reader.Version, before, Store.Owned, reader.PageCount);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
        if (counters is null)
        {
            Statistics.OnReadStarted();
        }
        else
        {
            Statistics.OnReadStarted(counters);
        }
        cache.Advance(knownVersion, reader.Version, reader.ChangedPagesSinceKnown);
        return reader;
    }

    /// <summary>
    /// Loads the database into the page cache: every page not cached yet, in batches of
    /// <paramref name="batchPages"/> per store call, up to the cache's capacity.
    /// </summary>
    public async ValueTask WarmAsync(CancellationToken cancellationToken, int batchPages = 256)
    {
        var (reader, cache) = await BeginReadAsync(cancellationToken).ConfigureAwait(false);
        using (reader)
        {
            var slot = Codec.MaxEncodedSize(PageSize);
            var wanted = Enumerable.Range(0, (int)Math.Min(reader.PageCount, cache.Capacity))
                .Select(p => (long)p)
                .Where(p => !cache.Contains(reader.Version, p))
                .ToArray();
            var buffer = new byte[slot * Math.Min(batchPages, Math.Max(wanted.Length, 1))];
            var lengths = new int[batchPages];
            var decoded = new byte[PageSize * Math.Min(batchPages, Math.Max(wanted.Length, 1))];
            var written = new long[batchPages];
            for (var start = 0; start < wanted.Length; start += batchPages)
            {
                var batch = wanted.AsMemory(start, Math.Min(batchPages, wanted.Length - start));
                await reader.ReadPagesAsync(batch, buffer.AsMemory(0, slot * batch.Length), slot, lengths.AsMemory(0, batch.Length), cancellationToken).ConfigureAwait(false);
                long bytes = 0;
                for (var i = 0; i < batch.Length; i++)
                {
                    var page = decoded.AsSpan(i * PageSize, PageSize);
                    if (lengths[i] == 0)
                    {
                        page.Clear();
                    }
                    written[i] = lengths[i] == 0 ? 0 : State.DecodeUnchecked(reader, batch.Span[i], buffer.AsSpan(i * slot, lengths[i]), page);
                    bytes += lengths[i];
                }
                // Checked against the version map (what it lacks is fetched, awaited) before the cache serves any of them.
                await State.CheckPagesAsync(reader, batch.ToArray(), new ArraySegment<long>(written, 0, batch.Length), cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < batch.Length; i++)
                {
                    cache.Add(reader.Version, batch.Span[i], decoded.AsSpan(i * PageSize, PageSize));
                }
                Statistics.OnPagesRead(batch.Length, bytes);
            }
        }
    }

    /// <summary>The store's head, checked like a read start.</summary>
    public StoreHead GetHead()
    {
        var before = State.Watermark();
        var head = Store.GetHead();
        State.Observe(head.Lineage, head.Version, before, Store.Owned, head.PageCount);
        return head;
    }
}
