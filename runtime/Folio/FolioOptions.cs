using Microsoft.Extensions.Logging;

namespace Folio;

/// <summary>How a Folio database is attached and how its connections are set up.</summary>
public sealed class FolioOptions
{
    /// <summary>
    /// The file name SQLite sees (<c>Data Source=</c> for other clients); defaults to the store's
    /// <see cref="Storage.IPageStore.Name"/>.
    /// </summary>
    public string? Name { get; set; }

    /// <summary>Pages kept decoded in Folio's page cache, shared by the database's connections. Default 2048; 0 turns it off.</summary>
    public int CachePages { get; set; } = 2048;

    /// <summary>
    /// The journal mode set on connections Folio opens. Default <c>MEMORY</c>: the rollback journal
    /// never touches the store, and read transactions probe no journal. <c>WAL</c> is refused.
    /// </summary>
    public string JournalMode { get; set; } = "MEMORY";

    /// <summary>How long a connection waits for another connection's lock before SQLITE_BUSY. Default 5 s.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many SQLite connections a generated database object may open. 1 (the default): the
    /// object is one connection for one thread at a time; its async calls queue one behind
    /// another, and a sync call from a second thread while another is inside a call throws an
    /// <see cref="InvalidOperationException"/> naming the class. Above 1: the object is pooled and
    /// thread-safe, for use from every request of a server at once; each call or transaction takes
    /// a free connection (opening one when none is free, up to this number, then waiting), readers
    /// run in parallel and writers are serialised by SQLite's locks and Folio's version check.
    /// All of them share the database's page cache.
    /// </summary>
    public int MaxConnections
    {
        get => _maxConnections;
        set => _maxConnections = value >= 1 ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "MaxConnections must be at least 1.");
    }

    private int _maxConnections = 1;

    /// <summary>Where Folio logs commits, conflicts and store failures; none by default.</summary>
    public ILogger? Logger { get; set; }

    /// <summary>
    /// The node this attachment belongs to when one process hosts several that must behave as
    /// separate processes (an in-process test cluster, two silos in one host). Within a process,
    /// every attachment of one database shares one lock table, page cache and history, found by
    /// the database's identity; attachments with different scopes share none of it, exactly as two
    /// processes would not, and meet only in the store. Null (the default) is the process itself.
    /// Compared by reference: pass one object per node, e.g. the node's own service.
    /// </summary>
    public object? ProcessScope { get; set; }

    /// <summary>
    /// How pages are encoded on their way to the store and decoded back. Null (the default) is
    /// <see cref="Storage.ChecksumPageCodec"/>, the format every earlier Folio wrote; a
    /// <see cref="Storage.PageCodec"/> adds compression, AES-256-GCM encryption, or both. Every
    /// attachment of one database in a process must use codecs that describe themselves alike
    /// (<see cref="Storage.IPageCodec.Describe"/>).
    /// </summary>
    public Storage.IPageCodec? Codec { get; set; }

    /// <summary>
    /// False on the asynchronous open path: an encrypting codec's page-0 check is left to the
    /// connection's first read, which that path awaits (and which comes before any write), so no
    /// thread waits on the store during the attach.
    /// </summary>
    internal bool CheckKeysAtAttach { get; set; } = true;

    /// <summary>A shallow copy.</summary>
    internal FolioOptions Copy() => (FolioOptions)MemberwiseClone();

    /// <summary>
    /// <paramref name="options"/> when it names a <see cref="Codec"/>; otherwise a copy of it (or
    /// new options) with the codec <paramref name="codec"/> makes. Generated classes use it for the
    /// codec their storage attribute asks for (<see cref="StorageAttribute.KeyProvider"/>,
    /// <see cref="StorageAttribute.Compression"/>); the caller's options are never changed.
    /// </summary>
    public static FolioOptions WithDefaultCodec(FolioOptions? options, Func<Storage.IPageCodec> codec)
    {
        ArgumentNullException.ThrowIfNull(codec);
        if (options?.Codec is not null)
        {
            return options;
        }
        var copy = options is null ? new FolioOptions() : options.Copy();
        copy.Codec = codec();
        return copy;
    }
}
