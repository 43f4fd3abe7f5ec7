using Folio;

namespace Todo;

/// <summary>One to-do item.</summary>
public sealed record TodoItem(long Id, string Title, bool Done, DateTime CreatedAt);

/// <summary>How many items there are, and how many are done.</summary>
public sealed record TodoCounts(long Total, long Done);

/// <summary>
/// The to-do list, kept in <c>./todo-data</c> under the current directory. Folio's generator writes
/// the VFS, <c>Open()</c>, the migration and the bodies of the methods below.
/// </summary>
[PagedDatabase(PageSize = 4096)]
[FileStorage(Path = "todo-data")]
[Migration(1, """
    CREATE TABLE todo(
        id         INTEGER PRIMARY KEY,
        title      TEXT    NOT NULL,
        done       INTEGER NOT NULL DEFAULT 0,
        created_at TEXT    NOT NULL)
    """)]
public partial class TodoDb
{
    /// <summary>Adds an item and returns its id.</summary>
    [Query("INSERT INTO todo(title, created_at) VALUES ($title, $createdAt) RETURNING id")]
    public partial long Add(string title, DateTime createdAt);

    /// <summary>Every item, oldest first.</summary>
    [Query("SELECT id, title, done, created_at FROM todo ORDER BY id")]
    public partial List<TodoItem> List();

    /// <summary>Marks an item done; returns 0 when there is no such item.</summary>
    [Execute("UPDATE todo SET done = 1 WHERE id = $id")]
    public partial int MarkDone(long id);

    /// <summary>Removes an item; returns 0 when there is no such item.</summary>
    [Execute("DELETE FROM todo WHERE id = $id")]
    public partial int Remove(long id);

    /// <summary>How many items there are and how many are done.</summary>
    [Query("SELECT count(*) AS total, coalesce(sum(done), 0) AS done FROM todo")]
    public partial TodoCounts Counts();
}
