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
        State = DatabaseState.Acquire(name, PageSize, head, options, Logger);
    }

    public string Name { get; }

    public IPageStore Store { get; }

    public int PageSize { get; }

    public DatabaseState State { get; }

    public IPageCodec Codec => State.Codec;

    public LockState Locks => State.Locks;

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
    public IPageStoreReader BeginRead(out PageCache cache)
    {
        var before = State.Watermark();
        cache = State.Cache;
        var knownVersion = cache.Version;
        var reader = Store.BeginRead(Math.Max(knownVersion, 0));
        try
        {
            State.Observe(reader.Lineage, reader.Version, before);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
        Statistics.OnReadStarted();
        cache.Advance(knownVersion, reader.Version, reader.ChangedPagesSinceKnown);
        return reader;
    }

    /// <summary>The store's head, checked like a read start.</summary>
    public StoreHead GetHead()
    {
        var before = State.Watermark();
        var head = Store.GetHead();
        State.Observe(head.Lineage, head.Version, before);
        return head;
    }
}
