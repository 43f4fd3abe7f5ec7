using Folio;

namespace Folio.Queries.Tests;

/// <summary>Every async return shape, each beside the synchronous method it must agree with.</summary>
[PagedDatabase]
[MemoryStorage]
[Migration(1, "CREATE TABLE todo(id INTEGER PRIMARY KEY, title TEXT NOT NULL, done INTEGER NOT NULL DEFAULT 0, note TEXT)")]
public partial class AsyncTodoDb
{
    [Execute("INSERT INTO todo(title, note) VALUES ($title, $note)")]
    public partial int Add(string title, string? note);

    [Execute("INSERT INTO todo(title, note) VALUES ($title, $note)")]
    public partial Task<int> AddAsync(string title, string? note, CancellationToken cancellationToken = default);

    [Execute("INSERT INTO todo(title, note) VALUES ($title, $note)")]
    public partial ValueTask<int> AddValueAsync(string title, string? note);

    [Execute("UPDATE todo SET done = 1 WHERE id = $id")]
    public partial void MarkDone(long id);

    [Execute("UPDATE todo SET done = 1 WHERE id = $id")]
    public partial Task MarkDoneAsync(long id, CancellationToken cancellationToken = default);

    [Execute("UPDATE todo SET done = 0 WHERE id = $id")]
    public partial ValueTask MarkUndoneAsync(long id, CancellationToken cancellationToken = default);

    [Query("SELECT id, title, done FROM todo WHERE done = $done ORDER BY id")]
    public partial List<Todo> List(bool done);

    [Query("SELECT id, title, done FROM todo WHERE done = $done ORDER BY id")]
    public partial Task<List<Todo>> ListAsync(bool done, CancellationToken cancellationToken = default);

    [Query("SELECT id, title, done FROM todo ORDER BY id")]
    public partial IReadOnlyList<Todo> All();

    [Query("SELECT id, title, done FROM todo ORDER BY id")]
    public partial ValueTask<IReadOnlyList<Todo>> AllAsync();

    [Query("SELECT id, title, done FROM todo ORDER BY id")]
    public partial IAsyncEnumerable<Todo> StreamAsync(CancellationToken cancellationToken = default);

    [Query("SELECT title FROM todo ORDER BY id")]
    public partial IAsyncEnumerable<string> TitlesAsync();

    [Query("SELECT id, title, done FROM todo WHERE id = $id")]
    public partial Todo Get(long id);

    [Query("SELECT id, title, done FROM todo WHERE id = $id")]
    public partial Task<Todo> GetAsync(long id, CancellationToken cancellationToken = default);

    [Query("SELECT id, title, done FROM todo WHERE id = $id")]
    public partial Todo? Find(long id);

    [Query("SELECT id, title, done FROM todo WHERE id = $id")]
    public partial ValueTask<Todo?> FindAsync(long id);

    [Query("SELECT count(*) FROM todo")]
    public partial long Count();

    [Query("SELECT count(*) FROM todo")]
    public partial Task<long> CountAsync(CancellationToken cancellationToken = default);

    [Query("SELECT max(id) FROM todo")]
    public partial long? MaxId();

    [Query("SELECT max(id) FROM todo")]
    public partial Task<long?> MaxIdAsync();

    [Query("SELECT note FROM todo WHERE id = $id")]
    public partial string? Note(long id);

    [Query("SELECT note FROM todo WHERE id = $id")]
    public partial Task<string?> NoteAsync(long id);

    [Query("SELECT id, title FROM todo ORDER BY id")]
    public partial List<(long Id, string Title)> Pairs();

    [Query("SELECT id, title FROM todo ORDER BY id")]
    public partial Task<List<(long Id, string Title)>> PairsAsync();

    [Query("SELECT id, title FROM todo WHERE id = $id")]
    public partial (long Id, string Title)? FindPair(long id);

    [Query("SELECT id, title FROM todo WHERE id = $id")]
    public partial Task<(long Id, string Title)?> FindPairAsync(long id);
}

/// <summary>A file-kept database with async methods, for OpenAsync and warm-up.</summary>
[PagedDatabase]
[FileStorage]
[Migration(1, "CREATE TABLE kv(k TEXT PRIMARY KEY, v TEXT NOT NULL)")]
public partial class AsyncFileDb
{
    [Execute("INSERT OR REPLACE INTO kv VALUES ($k, $v)")]
    public partial void Put(string k, string v);

    [Execute("INSERT OR REPLACE INTO kv VALUES ($k, $v)")]
    public partial Task PutAsync(string k, string v, CancellationToken cancellationToken = default);

    [Query("SELECT k, v FROM kv ORDER BY k")]
    public partial List<(string K, string V)> All();

    [Query("SELECT k, v FROM kv ORDER BY k")]
    public partial Task<List<(string K, string V)>> AllAsync(CancellationToken cancellationToken = default);

    [Query("SELECT v FROM kv ORDER BY k")]
    public partial IAsyncEnumerable<string> ValuesAsync(CancellationToken cancellationToken = default);
}
