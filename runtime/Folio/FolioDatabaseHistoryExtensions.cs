using Folio.Storage;

namespace Folio;

/// <summary>
/// Time travel on a generated database class: its bookmark, a typed read-only view of a past
/// version, and restore, all through the attached <see cref="FolioDatabase"/>.
/// </summary>
/// <example>
/// <code>
/// var before = db.Bookmark;            // before a risky migration or a bulk delete
/// ...
/// using var past = db.OpenAt(before);  // the same typed methods, on the past
/// db.RestoreTo(before);                // one atomic commit back to it
/// </code>
/// </example>
public static class FolioDatabaseHistoryExtensions
{
    extension<TDb>(TDb db) where TDb : class, IFolioDatabase<TDb>
    {
        /// <summary>The bookmark of the database's current state.</summary>
        public FolioBookmark Bookmark => db.Database.Bookmark;

        /// <summary>
        /// Opens the class on a read-only view of the state <paramref name="bookmark"/> names: every
        /// generated read method works on the past, writes are refused. Dispose it when done.
        /// </summary>
        /// <exception cref="InvalidOperationException">The past version's schema is older than the class's migrations.</exception>
        /// <exception cref="VersionNotRetainedException">The version is outside retention.</exception>
        public TDb OpenAt(FolioBookmark bookmark) =>
            TDb.Open(db.Database.OpenPastStore(bookmark), db.Database.ViewOptions(null), ownsStore: true);

        /// <summary>Makes the current state equal to the bookmarked one in one atomic commit (see <see cref="FolioDatabase.RestoreTo"/>).</summary>
        public FolioBookmark RestoreTo(FolioBookmark bookmark) => db.Database.RestoreTo(bookmark);

        /// <summary>The bookmark of the version in force at <paramref name="time"/>.</summary>
        public FolioBookmark GetBookmarkForTime(DateTimeOffset time) => db.Database.GetBookmarkForTime(time);
    }
}
