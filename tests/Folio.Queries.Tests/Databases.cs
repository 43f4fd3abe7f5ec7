using Folio;

namespace Folio.Queries.Tests;

public enum Priority
{
    Low = 0,
    Normal = 1,
    High = 2,
}

public sealed record Todo(long Id, string Title, bool Done);

public sealed record TodoWithPriority(long Id, string Title, Priority Priority, DateTime? DueAt);

public sealed class TodoSummary
{
    public long Id { get; set; }

    public string Title { get; init; } = "";

    public string? Note { get; set; }
}

[PagedDatabase(PageSize = 4096)]
[MemoryStorage]
[Migration(1, "CREATE TABLE todo(id INTEGER PRIMARY KEY, title TEXT NOT NULL, done INTEGER NOT NULL DEFAULT 0)")]
[Migration(2, "ALTER TABLE todo ADD COLUMN priority INTEGER NOT NULL DEFAULT 1; ALTER TABLE todo ADD COLUMN due_at TEXT; ALTER TABLE todo ADD COLUMN note TEXT")]
public partial class TodoDb
{
    [Execute("INSERT INTO todo(title, priority, due_at) VALUES ($title, $priority, $dueAt)")]
    public partial int Add(string title, Priority priority, DateTime? dueAt);

    [Query("INSERT INTO todo(title) VALUES (:title) RETURNING id")]
    public partial long AddReturningId(string title);

    [Execute("UPDATE todo SET done = 1 WHERE id = @id")]
    public partial int MarkDone(long id);

    [Execute("DELETE FROM todo")]
    public partial void Clear();

    [Query("SELECT id, title, done FROM todo WHERE done = $done ORDER BY id")]
    public partial List<Todo> List(bool done);

    [Query("SELECT id, title, done FROM todo ORDER BY id")]
    public partial IReadOnlyList<Todo> All();

    [Query("SELECT id, title, done FROM todo ORDER BY id")]
    public partial IEnumerable<Todo> Stream();

    [Query("SELECT id, title, priority, due_at FROM todo WHERE id = $id")]
    public partial TodoWithPriority Get(long id);

    [Query("SELECT id, title, priority, due_at FROM todo WHERE id = $id")]
    public partial TodoWithPriority? Find(long id);

    [Query("SELECT id, title, note FROM todo ORDER BY id")]
    public partial List<TodoSummary> Summaries();

    // No column fills Note, so the reader leaves it out and it keeps its default (FOLIO108 says so).
#pragma warning disable FOLIO108
    [Query("SELECT id, title FROM todo ORDER BY id")]
    public partial List<TodoSummary> SummariesWithoutNotes();
#pragma warning restore FOLIO108

    [Query("SELECT count(*) FROM todo")]
    public partial long Count();

    [Query("SELECT title FROM todo ORDER BY id")]
    public partial List<string> Titles();

    [Query("SELECT max(id) FROM todo")]
    public partial long? MaxId();

    [Query("SELECT id, title FROM todo ORDER BY id")]
    public partial List<(long Id, string Title)> Pairs();

    [Query("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT x FROM n")]
    public partial IEnumerable<long> Forever(CancellationToken cancellationToken);
}
