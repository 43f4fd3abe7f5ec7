using Folio.Storage;
using SQLitePCL;

namespace Folio.Benchmarks;

/// <summary>
/// The databases and operations every figure measures, shared by the quick harness and the
/// BenchmarkDotNet suite so both time exactly the same work.
/// </summary>
public sealed class Workloads : IDisposable
{
    public const int Rows = 1000;

    private readonly List<IDisposable> _owned = [];
    private long _next;

    public Workloads()
    {
        FolioRuntime.EnsureProvider();
        Directory = Path.Combine(Path.GetTempPath(), "folio-bench-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    /// <summary>A plain SQLite file with the given journal mode and synchronous level.</summary>
    public Database NativeFile(string journalMode = "DELETE", string synchronous = "FULL") =>
        Own(Database.Create(OpenRaw(Path.Combine(Directory, $"native-{journalMode}-{Guid.NewGuid():N}.db"), null), $"PRAGMA journal_mode={journalMode}; PRAGMA synchronous={synchronous};"));

    /// <summary>SQLite's own in-memory VFS (memdb), the baseline for the memory store.</summary>
    public Database Memdb() =>
        Own(Database.Create(OpenRaw($"/memdb-{Guid.NewGuid():N}", "memdb"), ""));

    /// <summary>Folio's memory store through the general VFS.</summary>
    public Database FolioMemory(FolioOptions? options = null, MemoryPageStore? store = null) => Folio(store ?? new MemoryPageStore("bench-" + Guid.NewGuid().ToString("N")), options);

    /// <summary>Folio's file store in its default (shared, durable) mode.</summary>
    public Database FolioFile(FileStoreMode mode = FileStoreMode.Shared, FolioOptions? options = null) =>
        FolioFile(new FileStoreOptions { Mode = mode }, options);

    /// <summary>Folio's file store with the given store options.</summary>
    public Database FolioFile(FileStoreOptions storeOptions, FolioOptions? options = null) =>
        Folio(FilePageStore.Open(Path.Combine(Directory, $"folio-{storeOptions.Mode}-{Guid.NewGuid():N}.folio"), options: storeOptions), options);

    /// <summary>
    /// Two connections on one database of each kind, for the parallel-read figures: the first
    /// creates the table, the second only prepares its statements.
    /// </summary>
    public (Database First, Database Second) Pair(string kind)
    {
        switch (kind)
        {
            case "folio-memory":
            case "folio-file":
                IPageStore store = kind == "folio-memory"
                    ? new MemoryPageStore("bench-" + Guid.NewGuid().ToString("N"))
                    : FilePageStore.Open(Path.Combine(Directory, $"folio-pair-{Guid.NewGuid():N}.folio"));
                var db = FolioDatabase.Open(store, ownsStore: true);
                _owned.Add(db);
                var first = db.OpenConnection();
                var second = db.OpenConnection();
                return (Own(Database.Create(first.Handle, "", first)), Own(Database.Attach(second.Handle, second)));
            case "memdb":
                var name = $"/memdb-pair-{Guid.NewGuid():N}";
                return (Own(Database.Create(OpenRaw(name, "memdb"), "")), Own(Database.Attach(OpenRaw(name, "memdb"), null)));
            case "native-file":
                var path = Path.Combine(Directory, $"native-pair-{Guid.NewGuid():N}.db");
                return (Own(Database.Create(OpenRaw(path, null), "PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL;")), Own(Database.Attach(OpenRaw(path, null), null)));
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "no such kind of database");
        }
    }

    /// <summary>Folio on any store, through the general VFS.</summary>
    public Database Folio(IPageStore store, FolioOptions? options = null)
    {
        var db = FolioDatabase.Open(store, options, ownsStore: true);
        var connection = db.OpenConnection();
        _owned.Add(db);
        return Own(Database.Create(connection.Handle, "", connection));
    }

    private static sqlite3 OpenRaw(string name, string? vfs)
    {
        var rc = raw.sqlite3_open_v2(name, out var handle, raw.SQLITE_OPEN_READWRITE | raw.SQLITE_OPEN_CREATE, vfs);
        if (rc != raw.SQLITE_OK)
        {
            throw new InvalidOperationException($"cannot open {name}: {raw.sqlite3_errstr(rc).utf8_to_string()}");
        }
        return handle;
    }

    private Database Own(Database database)
    {
        _owned.Add(database);
        return database;
    }

    /// <summary>A unique payload for the next insert.</summary>
    public string NextPayload() => "payload " + Interlocked.Increment(ref _next);

    public void Dispose()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>One open database with a table of <see cref="Workloads.Rows"/> rows and prepared statements.</summary>
public sealed class Database : IDisposable
{
    private readonly sqlite3 _handle;
    private readonly IDisposable? _owner;
    private readonly sqlite3_stmt _point;
    private readonly sqlite3_stmt _insert;
    private int _key;

    private Database(sqlite3 handle, IDisposable? owner)
    {
        _handle = handle;
        _owner = owner;
        Check(raw.sqlite3_prepare_v2(handle, "SELECT id, title, done FROM todo WHERE id = ?1", out _point));
        Check(raw.sqlite3_prepare_v2(handle, "INSERT INTO todo(title, done) VALUES (?1, 0)", out _insert));
    }

    public sqlite3 Handle => _handle;

    /// <summary>A second connection on a database <see cref="Create"/> made: statements only.</summary>
    public static Database Attach(sqlite3 handle, IDisposable? owner) => new(handle, owner);

    public static Database Create(sqlite3 handle, string pragmas, IDisposable? owner = null)
    {
        Exec(handle, pragmas);
        Exec(handle, "CREATE TABLE todo(id INTEGER PRIMARY KEY, title TEXT NOT NULL, done INTEGER NOT NULL)");
        Exec(handle, "BEGIN");
        for (var i = 0; i < Workloads.Rows; i++)
        {
            Exec(handle, $"INSERT INTO todo(title, done) VALUES ('todo number {i}', {i % 2})");
        }
        Exec(handle, "COMMIT");
        return new Database(handle, owner);
    }

    /// <summary>One autocommit point read by primary key (a read transaction of its own).</summary>
    public long PointRead()
    {
        _key = _key % Workloads.Rows + 1;
        raw.sqlite3_bind_int64(_point, 1, _key);
        if (raw.sqlite3_step(_point) != raw.SQLITE_ROW)
        {
            throw new InvalidOperationException("point read found no row: " + raw.sqlite3_errmsg(_handle).utf8_to_string());
        }
        var id = raw.sqlite3_column_int64(_point, 0);
        raw.sqlite3_reset(_point);
        return id;
    }

    /// <summary>A point read after SQLite let go of its page cache: every page it touches is read (and decoded) again.</summary>
    public long ColdPointRead()
    {
        Exec(_handle, "PRAGMA shrink_memory");
        return PointRead();
    }

    /// <summary>One small autocommit insert transaction.</summary>
    public void SmallInsert(string title)
    {
        raw.sqlite3_bind_text(_insert, 1, title);
        var rc = raw.sqlite3_step(_insert);
        raw.sqlite3_reset(_insert);
        if (rc != raw.SQLITE_DONE)
        {
            throw new InvalidOperationException("insert failed: " + raw.sqlite3_errmsg(_handle).utf8_to_string());
        }
    }

    public void Dispose()
    {
        _point.Dispose();
        _insert.Dispose();
        if (_owner is null)
        {
            _handle.Dispose();
        }
        else
        {
            _owner.Dispose();
        }
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw new InvalidOperationException(raw.sqlite3_errmsg(_handle).utf8_to_string());
        }
    }

    private static void Exec(sqlite3 handle, string sql)
    {
        if (sql.Length > 0 && raw.sqlite3_exec(handle, sql, out var error) != raw.SQLITE_OK)
        {
            throw new InvalidOperationException($"{sql}: {error}");
        }
    }
}
