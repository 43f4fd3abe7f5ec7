using Folio.Diagnostics;
using Folio.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Folio.Vfs;

/// <summary>
/// Everything the connections of one attached database share in this process: the store, the
/// codec, the lock levels, the page cache and the statistics.
/// </summary>
internal sealed class SharedDatabase
{
    public SharedDatabase(string name, IPageStore store, FolioOptions options)
    {
        Name = name;
        Store = store;
        PageSize = store.PageSize;
        Codec = ChecksumPageCodec.Instance;
        Cache = new PageCache(options.CachePages);
        Statistics = new FolioStatistics(name);
        Logger = options.Logger ?? NullLogger.Instance;
    }

    public string Name { get; }

    public IPageStore Store { get; }

    public int PageSize { get; }

    public IPageCodec Codec { get; }

    public LockState Locks { get; } = new();

    public PageCache Cache { get; }

    public FolioStatistics Statistics { get; }

    public ILogger Logger { get; }

    /// <summary>Connections attached through <see cref="FolioDatabase"/>; the name is detached when it reaches 0.</summary>
    public int AttachCount;
}
