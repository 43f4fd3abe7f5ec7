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

    /// <summary>
    /// How many past versions this store's commits keep readable (time travel), and for how long;
    /// null for <see cref="HistoryRetention.Default"/>. It belongs to the store, not the file: each
    /// commit keeps and collects by its writer's setting.
    /// </summary>
    public HistoryRetention? History { get; set; }

    /// <summary>
    /// The page size of a new outer file: a power of two from 4096 to 65536; default 4096. It
    /// applies only when the file is created (an existing file keeps its own). A stored 4 KiB page
    /// with its header is larger than one 4 KiB outer page can hold in a cell, so with 4 KiB outer
    /// pages each stored page is a leaf cell plus an overflow page (two outer reads when cold, and
    /// the file about 13% larger than the database). With 65536 fifteen stored pages share one
    /// outer page: one outer read, about 7% larger, but each commit writes 64 KiB frames to the WAL
    /// and costs about 20% more. docs/benchmarks.md has the figures.
    /// </summary>
    public int OuterPageSize { get; set; } = 4096;
}

/// <summary>Whether a file store is shared between processes.</summary>
public enum FileStoreMode
{
    /// <summary>
    /// Any number of processes open the file. Each Folio read transaction holds a read
    /// transaction on the outer file, which pins a snapshot for free; each commit is one outer write
    /// transaction that checks the identity and version. Cost: the outer file's lock system calls on
    /// every transaction (a few microseconds), plus one <c>stat</c> of the file per read start and
    /// commit, which notices a file replaced under the process.
    /// </summary>
    Shared,

    /// <summary>
    /// One process owns the file (<c>locking_mode=EXCLUSIVE</c>; another process gets a clear error).
    /// No outer read transaction and no lock system calls after the first: a read start costs one
    /// <c>stat</c> of the file and one head query, and a page read one row lookup in the file's
    /// current state. Since every commit goes through this process, a read pinned at an older version
    /// is served every page no later commit touched; a page a later commit changed fails the read
    /// (SQLITE_BUSY, retried). Folio's page cache is kept across transactions in both modes.
    /// </summary>
    Exclusive,
}
