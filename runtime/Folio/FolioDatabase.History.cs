using Folio.Interop;
using Folio.Storage;
using SQLitePCL;

namespace Folio;

public sealed partial class FolioDatabase
{
    /// <summary>The bookmark of the database's current state (a view of the past gives its own version's).</summary>
    public FolioBookmark Bookmark
    {
        get
        {
            var head = Store.GetHead();
            return FolioBookmark.Of(head.Lineage, head.Version);
        }
    }

    /// <summary>True when this is a read-only view of a past version (<see cref="OpenAt"/>).</summary>
    public bool IsPastVersion => Store is PastVersionStore;

    /// <summary>The versions the store retains, oldest to newest.</summary>
    /// <exception cref="NotSupportedException">The store keeps no history.</exception>
    public StoreHistoryRange HistoryRange => History.GetHistoryRange();

    /// <summary>The retained versions, newest first: commit time, page count, pages and bytes written.</summary>
    /// <param name="count">At most this many.</param>
    public IReadOnlyList<StoreVersion> GetVersions(int count = 100) => History.GetVersions(long.MaxValue, count);

    /// <summary>The bookmark of the version in force at <paramref name="time"/>: the newest committed at or before it.</summary>
    /// <exception cref="VersionNotRetainedException">No retained version is that old; the message names the oldest and when it was committed.</exception>
    public FolioBookmark GetBookmarkForTime(DateTimeOffset time)
    {
        var range = History.GetHistoryRange();
        if (History.FindVersionAt(time) is { } found)
        {
            return FolioBookmark.Of(range.Lineage, found.Version);
        }
        var oldest = History.GetVersions(range.Oldest, 1);
        var since = oldest.Count == 0 ? "" : $", committed at {Utc(oldest[0].CommittedAt)}";
        throw new VersionNotRetainedException(Name,
            $"Folio database '{Name}': no retained version was in force at {Utc(time)}; the store holds {range}, the oldest of them version {range.Oldest}{since}.", range);
    }

    /// <summary>
    /// Opens a read-only view of the state <paramref name="bookmark"/> names: SQLite, the typed
    /// methods and other clients (through its <see cref="ConnectionString"/>) read the past on it;
    /// writes are refused. Dispose it when done; the live database is not affected.
    /// </summary>
    /// <param name="bookmark">A bookmark of this database, within retention.</param>
    /// <param name="options">Options for the view; null for this database's (cache, codec, logging).</param>
    /// <exception cref="ArgumentException">The bookmark belongs to another database.</exception>
    /// <exception cref="VersionNotRetainedException">The version is outside retention (or of another epoch).</exception>
    public FolioDatabase OpenAt(FolioBookmark bookmark, FolioOptions? options = null) =>
        Open(OpenPastStore(bookmark), ViewOptions(options), ownsStore: true);

    /// <summary>
    /// Makes the current state equal to the one <paramref name="bookmark"/> names, in one atomic
    /// commit. The restore is a new version of its own, so it can be undone by restoring the
    /// bookmark taken before it. Run it outside any open transaction on this database.
    /// </summary>
    /// <returns>The bookmark of the state after the restore.</returns>
    /// <exception cref="ArgumentException">The bookmark belongs to another database.</exception>
    /// <exception cref="VersionNotRetainedException">The version is outside retention.</exception>
    public FolioBookmark RestoreTo(FolioBookmark bookmark)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (IsPastVersion)
        {
            throw new ReadOnlyDatabaseException(Name, ((PastVersionStore)Store).Version);
        }
        using var past = OpenAt(bookmark);
        using var source = past.OpenConnection();
        using var target = OpenConnection();
        CopyPages(source, target, $"RestoreTo({bookmark})");
        return Bookmark;
    }

    /// <summary>
    /// Creates a new database in <paramref name="newDatabase"/> (an empty store) whose first state
    /// is the one <paramref name="bookmark"/> names. The branch has an identity of its own and
    /// evolves apart from this one. Cost: every page of that state is read and written once.
    /// </summary>
    /// <returns>The branch's bookmark.</returns>
    /// <exception cref="InvalidOperationException">The target store is not empty, or has another page size.</exception>
    public FolioBookmark Branch(FolioBookmark bookmark, IPageStore newDatabase)
    {
        ArgumentNullException.ThrowIfNull(newDatabase);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var head = newDatabase.GetHead();
        if (head.Version != 0 || head.PageCount != 0)
        {
            throw new InvalidOperationException(
                $"Folio database '{Name}': cannot branch into '{newDatabase.Name}', which already holds version {head.Version}; a branch starts a new database, so give it an empty store.");
        }
        if (newDatabase.PageSize != PageSize)
        {
            throw new PageSizeMismatchException(newDatabase.Name, newDatabase.PageSize, PageSize);
        }
        using var past = OpenAt(bookmark);
        using var branch = Open(newDatabase, ViewOptions(null));
        using var source = past.OpenConnection();
        using var target = branch.OpenConnection();
        CopyPages(source, target, $"Branch({bookmark}, '{newDatabase.Name}')");
        return branch.Bookmark;
    }

    /// <summary>A time as 'folio log' prints it: UTC, to the millisecond.</summary>
    private static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The view store of <paramref name="bookmark"/>, checked against this database's identity and retention.</summary>
    internal PastVersionStore OpenPastStore(FolioBookmark bookmark)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var range = History.GetHistoryRange();
        if (bookmark.DatabaseId != range.Lineage.DatabaseId)
        {
            throw new ArgumentException(
                $"Folio database '{Name}': bookmark {bookmark} belongs to database {bookmark.DatabaseId:D}, not to this one ({range.Lineage.DatabaseId:D}, which holds {range}).",
                nameof(bookmark));
        }
        if (bookmark.Epoch != range.Lineage.Epoch)
        {
            throw new VersionNotRetainedException(Name,
                $"Folio database '{Name}': bookmark {bookmark} is of epoch {bookmark.Epoch} of its history, which was rewritten since; the store holds {range} of epoch {range.Lineage.Epoch}.", range);
        }
        if (!range.Contains(bookmark.Version))
        {
            throw new VersionNotRetainedException(Name, bookmark.Version, range);
        }
        return new PastVersionStore(HistorySource, bookmark.Version);
    }

    /// <summary>Options for a view or a branch: this database's (or the given) ones, under the store's own name.</summary>
    internal FolioOptions ViewOptions(FolioOptions? options)
    {
        var copy = (options ?? Options).Copy();
        copy.Name = null;
        return copy;
    }

    /// <summary>The store whose history this database reads: a view's source, or its own store.</summary>
    private IPageStore HistorySource => Store is PastVersionStore view ? view.Source : Store;

    private IPageStoreHistory History => HistorySource as IPageStoreHistory ?? throw new NotSupportedException(
        $"Folio database '{Name}': its store ({HistorySource.GetType().Name}) keeps no history; the memory, file and Redis stores do (IPageStoreHistory).");

    /// <summary>
    /// Copies every page of <paramref name="source"/> into <paramref name="target"/> with SQLite's
    /// backup API in one step: one write transaction on the target, so one atomic store commit.
    /// </summary>
    internal static void CopyPages(FolioConnection source, FolioConnection target, string what)
    {
        var backup = raw.sqlite3_backup_init(target.Handle, "main", source.Handle, "main");
        if (backup is null)
        {
            target.Check(raw.sqlite3_errcode(target.Handle), null, what);
            throw new InvalidOperationException($"Folio database '{target.Database.Name}': {what} could not start copying pages.");
        }
        int rc;
        try
        {
            rc = raw.sqlite3_backup_step(backup, -1);
        }
        finally
        {
            raw.sqlite3_backup_finish(backup);
        }
        if (rc != SqliteConstants.SQLITE_DONE)
        {
            target.Check(rc == SqliteConstants.SQLITE_OK ? SqliteConstants.SQLITE_ERROR : rc, null, what);
        }
    }
}
