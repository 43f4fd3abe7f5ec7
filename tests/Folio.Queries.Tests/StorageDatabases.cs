using Folio;
using Folio.Storage;

namespace Folio.Queries.Tests;

/// <summary>A store of the application's own: a memory store that counts commits.</summary>
public sealed class CountingStore : IPageStore
{
    private readonly MemoryPageStore _inner;

    public CountingStore()
        : this("counting-" + Guid.NewGuid().ToString("N"), 4096)
    {
    }

    public CountingStore(string name, int pageSize)
    {
        _inner = new MemoryPageStore(name, pageSize);
    }

    public int Commits { get; private set; }

    public bool Disposed { get; private set; }

    public string Name => _inner.Name;

    public int PageSize => _inner.PageSize;

    public StoreHead GetHead() => _inner.GetHead();

    public IPageStoreReader BeginRead(long knownVersion) => _inner.BeginRead(knownVersion);

    public long Commit(StoreCommit commit)
    {
        Commits++;
        return _inner.Commit(commit);
    }

    public void Dispose() => Disposed = true;
}

/// <summary>A storage attribute as a store package would ship it: no change to the generator needed.</summary>
[StoreFactory(typeof(CountingStoreFactory))]
[AttributeUsage(AttributeTargets.Class)]
public sealed class CountingStorageAttribute : StorageAttribute
{
    public string? Prefix { get; set; }
}

public static class CountingStoreFactory
{
    public static readonly List<string> Created = new();

    public static CountingStore Create(string prefix, string name, int pageSize)
    {
        Created.Add(prefix + name);
        return new CountingStore(prefix + name, pageSize);
    }
}

[PagedDatabase(PageSize = 4096)]
[PageStorage(typeof(CountingStore))]
[Migration(1, "CREATE TABLE kv(k TEXT PRIMARY KEY, v TEXT NOT NULL)")]
public partial class OwnStoreDb
{
    [Execute("INSERT OR REPLACE INTO kv VALUES ($k, $v)")]
    public partial void Put(string k, string v);

    [Query("SELECT v FROM kv WHERE k = $k")]
    public partial string? Get(string k);
}

[PagedDatabase(PageSize = 1024, Name = "counting-vfs")]
[CountingStorage(Prefix = "p-")]
[Migration(1, "CREATE TABLE kv(k TEXT PRIMARY KEY, v TEXT NOT NULL)")]
public partial class ThirdPartyDb
{
    [Execute("INSERT OR REPLACE INTO kv VALUES ($k, $v)")]
    public partial void Put(string k, string v);

    [Query("SELECT v FROM kv WHERE k = $k")]
    public partial string? Get(string k);
}

[PagedDatabase]
[FileStorage(Path = "folio-data/file-db")]
[Migration(1, "CREATE TABLE kv(k TEXT PRIMARY KEY, v TEXT NOT NULL)")]
public partial class FileDb
{
    [Execute("INSERT OR REPLACE INTO kv VALUES ($k, $v)")]
    public partial void Put(string k, string v);

    [Query("SELECT v FROM kv WHERE k = $k")]
    public partial string? Get(string k);

    [Query("SELECT k, v FROM kv ORDER BY k")]
    public partial List<(string K, string V)> All();
}

/// <summary>SQL that a migrated schema refuses: ValidateSql must report every method.</summary>
[PagedDatabase]
[MemoryStorage]
[Migration(1, "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT)")]
public partial class BrokenDb
{
    [Query("SELECT id, name FROM t")]
    public partial List<(long, string)> Fine();

    [Query("SELECT id, nme FROM t")]
    public partial List<(long, string)> MisspelledColumn();

    [Query("SELECT * FROM missing")]
    public partial List<long> MissingTable();

    [Query("SELECT id AS identifier FROM t")]
    public partial List<Todo> ColumnsDoNotMatchTheRecord();
}

/// <summary>Opened for the first time from many threads at once (its VFS registers on first use).</summary>
[PagedDatabase]
[MemoryStorage]
[Migration(1, "CREATE TABLE t(x INTEGER)")]
public partial class FirstUseDb
{
    [Execute("INSERT INTO t VALUES ($x)")]
    public partial void Insert(long x);

    [Query("SELECT x FROM t")]
    public partial List<long> All();
}
