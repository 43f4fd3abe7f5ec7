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

    /// <summary>Where Folio logs commits, conflicts and store failures; none by default.</summary>
    public ILogger? Logger { get; set; }

    /// <summary>
    /// Stands for another process, for tests: attachments of one database with different scopes
    /// share no lock table, page cache or history, exactly as two processes would not. Null (the
    /// default) is this process.
    /// </summary>
    internal object? ProcessScope { get; set; }
}
