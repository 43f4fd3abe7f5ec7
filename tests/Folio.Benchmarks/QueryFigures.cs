using Dapper;
using Folio.Storage;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Folio.Benchmarks;

/// <summary>A row as every side reads it: the same record, the same string.</summary>
public sealed record TodoRow(long Id, string Title, bool Done);

/// <summary>The same row for Dapper, which needs a constructor matching SQLite's column types or settable properties.</summary>
public sealed class TodoRowForDapper
{
    public long Id { get; set; }

    public string Title { get; set; } = "";

    public bool Done { get; set; }
}

/// <summary>The database the query figures read, through a generated class.</summary>
[PagedDatabase(PageSize = 4096)]
[MemoryStorage]
[Migration(1, "CREATE TABLE todo(id INTEGER PRIMARY KEY, title TEXT NOT NULL, done INTEGER NOT NULL)")]
public partial class BenchDb
{
    [Query("SELECT id, title, done FROM todo WHERE id = $id")]
    public partial TodoRow? Find(long id);

    [Execute("INSERT INTO todo(title, done) VALUES ($title, $done)")]
    public partial int Add(string title, bool done);
}

/// <summary>
/// Point queries returning a record: the generated method against hand-written SQLitePCLRaw
/// (prepared once; bind, step, read, reset) on the same connection, and Dapper on
/// Microsoft.Data.Sqlite through the same VFS.
/// </summary>
public sealed class QueryFigures : IDisposable
{
    private readonly BenchDb _db;
    private readonly sqlite3_stmt _raw;
    private readonly SqliteConnection _ado;
    private long _key;

    public QueryFigures()
    {
        _db = BenchDb.Open(new MemoryPageStore("query-bench-" + Guid.NewGuid().ToString("N")), ownsStore: true);
        _db.Transaction(db =>
        {
            for (var i = 0; i < Workloads.Rows; i++)
            {
                db.Add("todo number " + i, i % 2 == 0);
            }
        });
        raw.sqlite3_prepare_v2(_db.Connection.Handle, "SELECT id, title, done FROM todo WHERE id = ?1", out _raw);
        _ado = new SqliteConnection(_db.ConnectionString);
        _ado.Open();
    }

    public TodoRow Generated() => _db.Find(NextKey())!;

    public TodoRow Raw()
    {
        raw.sqlite3_bind_int64(_raw, 1, NextKey());
        if (raw.sqlite3_step(_raw) != raw.SQLITE_ROW)
        {
            throw new InvalidOperationException("no row");
        }
        var row = new TodoRow(raw.sqlite3_column_int64(_raw, 0), raw.sqlite3_column_text(_raw, 1).utf8_to_string(), raw.sqlite3_column_int64(_raw, 2) != 0);
        raw.sqlite3_reset(_raw);
        return row;
    }

    public TodoRowForDapper Dapper() => _ado.QueryFirst<TodoRowForDapper>("SELECT id AS Id, title AS Title, done AS Done FROM todo WHERE id = @id", new { id = NextKey() });

    private long NextKey() => _key = _key % Workloads.Rows + 1;

    public static void Run()
    {
        using var figures = new QueryFigures();
        QuickHarness.Ratio("query.generated/raw", () => figures.Generated(), () => figures.Raw(), 20_000, 21);
        QuickHarness.Ratio("query.dapper/generated", () => figures.Dapper(), () => figures.Generated(), 5_000);

        const int calls = 20_000;
        var generated = AllocatedPerCall(() => figures.Generated(), calls);
        var handWritten = AllocatedPerCall(() => figures.Raw(), calls);
        QuickHarness.Figure("alloc.generated-minus-raw-bytes-per-call", generated - handWritten, $"generated {generated:F1} B, hand-written {handWritten:F1} B per call");
    }

    private static double AllocatedPerCall(Action action, int calls)
    {
        action();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < calls; i++)
        {
            action();
        }
        return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)calls;
    }

    public void Dispose()
    {
        _ado.Dispose();
        _raw.Dispose();
        _db.Dispose();
    }
}
