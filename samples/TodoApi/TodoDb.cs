using Folio;

namespace TodoApi;

/// <summary>One to-do item, as the API answers it.</summary>
public sealed record TodoItem(long Id, string Title, bool Done, DateTimeOffset CreatedAt);

/// <summary>
/// The to-do list behind the API. The host registers one pooled object for every request
/// (<c>AddFolioDatabase&lt;TodoDb&gt;</c>); its async methods never block a thread on the store.
/// </summary>
[PagedDatabase(PageSize = 4096)]
[FileStorage(Path = "todo-api-data")]
[Migration(1, """
    CREATE TABLE todo(
        id         INTEGER PRIMARY KEY,
        title      TEXT    NOT NULL,
        done       INTEGER NOT NULL DEFAULT 0,
        created_at TEXT    NOT NULL)
    """)]
public partial class TodoDb
{
    /// <summary>Adds an item and returns it.</summary>
    [Query("INSERT INTO todo(title, created_at) VALUES ($title, $createdAt) RETURNING id, title, done, created_at")]
    public partial Task<TodoItem> AddAsync(string title, DateTimeOffset createdAt, CancellationToken cancellationToken);

    /// <summary>Every item, oldest first.</summary>
    [Query("SELECT id, title, done, created_at FROM todo ORDER BY id")]
    public partial Task<List<TodoItem>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Marks an item done and returns it; null when there is no such item.</summary>
    [Query("UPDATE todo SET done = 1 WHERE id = $id RETURNING id, title, done, created_at")]
    public partial Task<TodoItem?> CompleteAsync(long id, CancellationToken cancellationToken);

    /// <summary>Removes an item; returns 0 when there is no such item.</summary>
    [Execute("DELETE FROM todo WHERE id = $id")]
    public partial Task<int> RemoveAsync(long id, CancellationToken cancellationToken);
}
