namespace Folio.Storage;

/// <summary>How a <see cref="FilePageStore"/> shares its file and how hard it syncs.</summary>
public sealed class FileStoreOptions
{
    /// <summary>Who may open the file at once. Default <see cref="FileStoreMode.Shared"/>.</summary>
    public FileStoreMode Mode { get; set; } = FileStoreMode.Shared;

    /// <summary>
    /// Sync every commit to disk before it returns (<c>synchronous=FULL</c>, the default). With
    /// false (<c>synchronous=NORMAL</c>) a commit that returned can be lost on power failure, never
    /// half-applied.
    /// </summary>
    public bool Durable { get; set; } = true;

    /// <summary>How long a commit waits for another process's commit on the same file. Default 10 s.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Whether a file store is shared between processes.</summary>
public enum FileStoreMode
{
    /// <summary>
    /// Any number of processes open the file. Each Folio read transaction holds a read
    /// transaction on the outer file, which pins a snapshot for free; each commit is one outer write
    /// transaction that checks the version. Cost: the outer file's lock system calls on every
    /// transaction (a few microseconds).
    /// </summary>
    Shared,

    /// <summary>
    /// One process owns the file (<c>locking_mode=EXCLUSIVE</c>; another process gets a clear error).
    /// No lock system calls after the first, and since every commit goes through this process, the
    /// page cache stays valid across transactions: the cheapest reads.
    /// </summary>
    Exclusive,
}
