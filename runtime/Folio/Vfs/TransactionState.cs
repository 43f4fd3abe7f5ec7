namespace Folio.Vfs;

/// <summary>Where one connection's transaction stands, as far as the store is concerned.</summary>
internal enum TransactionState
{
    /// <summary>No lock: no view, nothing buffered.</summary>
    None,

    /// <summary>A view is pinned and nothing is buffered (also once the write lock dropped, or a rollback after a failed commit synced).</summary>
    Reading,

    /// <summary>SQLite wrote or truncated the main file since the view began or the last commit point.</summary>
    Writing,

    /// <summary>
    /// The transaction was published at its commit point and the write lock is still held.
    /// SQLite may still truncate the file to the committed size (VACUUM does, after its sync).
    /// </summary>
    Committed,

    /// <summary>
    /// The commit point failed, the buffer was discarded, the store is untouched. Until the write
    /// lock drops, a sync succeeds only as the end of a rollback.
    /// </summary>
    Failed,
}
