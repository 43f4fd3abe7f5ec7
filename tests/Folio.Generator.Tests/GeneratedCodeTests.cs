using System.Runtime.CompilerServices;
using NUnit.Framework;

namespace Folio.Generator.Tests;

/// <summary>
/// What the generator writes for valid classes: each output is snapshot-checked, and the user code
/// plus the generated code must compile with no error and no warning.
/// </summary>
public class GeneratedCodeTests
{
    private static void VerifyCompiles(string source)
    {
        var (result, output) = GeneratorHarness.Run(source);
        Assert.That(result.Exception, Is.Null);
        Assert.That(result.Diagnostics, Is.Empty, Snapshot.Describe(result.Diagnostics));
        var findings = GeneratorHarness.ParserFindings(output);
        Assert.That(findings, Is.Empty, Snapshot.Describe(findings));
        var problems = GeneratorHarness.CompilerProblems(output);
        Assert.That(problems, Is.Empty, Snapshot.Describe(problems));
        Snapshot.Verify(result);
    }

    [Test]
    public void MemoryStorageWithEveryReturnShape() => VerifyCompiles("""
        using System.Collections.Generic;
        using Folio;

        namespace MyApp.Data;

        public sealed record Todo(long Id, string Title, bool Done);

        public sealed class Summary
        {
            public long Id { get; set; }
            public string? Note { get; init; }
        }

        [PagedDatabase(PageSize = 4096)]
        [MemoryStorage]
        [Migration(2, "ALTER TABLE todo ADD COLUMN note TEXT")]
        [Migration(1, "CREATE TABLE todo(id INTEGER PRIMARY KEY, title TEXT NOT NULL, done INTEGER NOT NULL DEFAULT 0)")]
        public partial class TodoDb
        {
            [Execute("INSERT INTO todo(title) VALUES ($title)")]
            public partial int Add(string title);

            [Execute("DELETE FROM todo WHERE id = :id")]
            public partial void Remove(long id);

            [Query("SELECT id, title, done FROM todo WHERE done = @done ORDER BY id")]
            public partial List<Todo> List(bool done);

            [Query("SELECT id, title, done FROM todo ORDER BY id")]
            public partial IReadOnlyList<Todo> All();

            [Query("SELECT id, title, done FROM todo ORDER BY id")]
            public partial IEnumerable<Todo> Stream(System.Threading.CancellationToken cancellationToken);

            [Query("SELECT id, title, done FROM todo WHERE id = $id")]
            public partial Todo Get(long id);

            [Query("SELECT id, title, done FROM todo WHERE id = $id")]
            public partial Todo? Find(long id);

            [Query("SELECT id, note FROM todo")]
            public partial List<Summary> Summaries();

            [Query("SELECT count(*) FROM todo")]
            public partial long Count();

            [Query("SELECT max(id) FROM todo")]
            public partial long? MaxId();

            [Query("SELECT title FROM todo WHERE id = $id")]
            public partial string? FindTitle(long id);

            [Query("SELECT id, title FROM todo")]
            public partial List<(long Id, string Title)> Pairs();

            [Query("SELECT id, title FROM todo WHERE id = $id")]
            public partial (long, string)? FindPair(long id);
        }
        """);

    [Test]
    public void EveryAsyncShape() => VerifyCompiles("""
        using System.Collections.Generic;
        using System.Runtime.CompilerServices;
        using System.Threading;
        using System.Threading.Tasks;
        using Folio;

        namespace MyApp.Async;

        public sealed record Todo(long Id, string Title, bool Done);

        [PagedDatabase]
        [MemoryStorage]
        [Migration(1, "CREATE TABLE todo(id INTEGER PRIMARY KEY, title TEXT NOT NULL, done INTEGER NOT NULL DEFAULT 0)")]
        public partial class TodoDb
        {
            [Execute("INSERT INTO todo(title) VALUES ($title)")]
            public partial Task<int> AddAsync(string title, CancellationToken cancellationToken);

            [Execute("INSERT INTO todo(title) VALUES ($title)")]
            public partial ValueTask<int> AddValueAsync(string title);

            [Execute("DELETE FROM todo WHERE id = :id")]
            public partial Task RemoveAsync(long id, CancellationToken cancellationToken);

            [Execute("DELETE FROM todo")]
            public partial ValueTask ClearAsync();

            [Query("SELECT id, title, done FROM todo WHERE done = @done ORDER BY id")]
            public partial Task<List<Todo>> ListAsync(bool done, CancellationToken cancellationToken);

            [Query("SELECT id, title, done FROM todo ORDER BY id")]
            public partial ValueTask<IReadOnlyList<Todo>> AllAsync();

            [Query("SELECT id, title, done FROM todo ORDER BY id")]
            public partial IAsyncEnumerable<Todo> StreamAsync(CancellationToken cancellationToken);

            [Query("SELECT id, title, done FROM todo WHERE done = $done ORDER BY id")]
            public partial IAsyncEnumerable<Todo> StreamMarkedAsync(bool done, [EnumeratorCancellation] CancellationToken cancellationToken);

            [Query("SELECT title FROM todo ORDER BY id")]
            public partial IAsyncEnumerable<string> TitlesAsync();

            [Query("SELECT id, title, done FROM todo WHERE id = $id")]
            public partial Task<Todo> GetAsync(long id, CancellationToken cancellationToken);

            [Query("SELECT id, title, done FROM todo WHERE id = $id")]
            public partial ValueTask<Todo?> FindAsync(long id);

            [Query("SELECT count(*) FROM todo")]
            public partial Task<long> CountAsync();

            [Query("SELECT max(id) FROM todo")]
            public partial Task<long?> MaxIdAsync();

            [Query("SELECT id, title FROM todo WHERE id > $after AND title <> $title")]
            public partial Task<List<(long Id, string Title)>> PairsAsync(long after, string title, CancellationToken cancellationToken);

            [Query("SELECT id, title FROM todo WHERE id = $id")]
            public partial Task<(long, string)?> FindPairAsync(long id);

            [Query("SELECT count(*) FROM todo")]
            public partial long Count();
        }
        """);

    [Test]
    public void EveryParameterAndColumnType() => VerifyCompiles("""
        using System;
        using System.Collections.Generic;
        using Folio;

        namespace Types;

        public enum Color { Red, Green }

        public sealed record Row(long A, int B, short C, byte D, bool E, double F, float G, decimal H, string I, byte[] J,
            ReadOnlyMemory<byte> K, Guid L, DateTime M, DateTimeOffset N, DateOnly O, TimeOnly P, Color Q);

        public sealed record NullableRow(long? A, int? B, short? C, byte? D, bool? E, double? F, float? G, decimal? H, string? I, byte[]? J,
            ReadOnlyMemory<byte>? K, Guid? L, DateTime? M, DateTimeOffset? N, DateOnly? O, TimeOnly? P, Color? Q);

        [PagedDatabase]
        [MemoryStorage]
        public partial class TypesDb
        {
            [Execute("INSERT INTO t VALUES ($a, $b, $c, $d, $e, $f, $g, $h, $i, $j, $k, $l, $m, $n, $o, $p, $q)")]
            public partial void Insert(long a, int b, short c, byte d, bool e, double f, float g, decimal h, string i, byte[] j,
                ReadOnlyMemory<byte> k, Guid l, DateTime m, DateTimeOffset n, DateOnly o, TimeOnly p, Color q);

            [Execute("INSERT INTO t VALUES ($a, $b, $c, $d, $e, $f, $g, $h, $i, $j, $k, $l, $m, $n, $o, $p, $q)")]
            internal partial int InsertNullable(long? a, int? b, short? c, byte? d, bool? e, double? f, float? g, decimal? h, string? i, byte[]? j,
                ReadOnlyMemory<byte>? k, Guid? l, DateTime? m, DateTimeOffset? n, DateOnly? o, TimeOnly? p, Color? q);

            [Query("SELECT * FROM t")]
            public partial List<Row> Rows();

            [Query("SELECT * FROM t")]
            public partial List<NullableRow> NullableRows();

            [Query("SELECT q FROM t")]
            public partial List<Color?> Colors();

            [Query("SELECT j FROM t LIMIT 1")]
            public partial byte[]? FirstBlob();
        }
        """);

    [Test]
    public void FileStorageWithADefaultPath() => VerifyCompiles("""
        using Folio;

        [PagedDatabase(PageSize = 8192)]
        [FileStorage(Path = "data/notes")]
        [Migration(1, "CREATE TABLE note(id INTEGER PRIMARY KEY, text TEXT NOT NULL)")]
        public partial class NotesDb
        {
            [Execute("INSERT INTO note(text) VALUES ($text)")]
            public partial void Add(string text);
        }
        """);

    [Test]
    public void PageStorageWithAndWithoutADefaultConstructor() => VerifyCompiles("""
        using Folio;
        using Folio.Storage;

        namespace Stores;

        public sealed class MyStore : IPageStore
        {
            private readonly MemoryPageStore _inner = new("mine", 512);
            public string Name => _inner.Name;
            public int PageSize => _inner.PageSize;
            public StoreHead GetHead() => _inner.GetHead();
            public IPageStoreReader BeginRead(long knownVersion) => _inner.BeginRead(knownVersion);
            public long Commit(StoreCommit commit) => _inner.Commit(commit);
            public void Dispose() => _inner.Dispose();
        }

        [PagedDatabase(PageSize = 512)]
        [PageStorage(typeof(MyStore))]
        public partial class SmallDb
        {
        }

        [PagedDatabase(PageSize = 65536, Name = "any-store")]
        [PageStorage(typeof(IPageStore))]
        public partial class AnyStoreDb
        {
        }
        """);

    [Test]
    public void AThirdPartyStorageAttributeWithItsOwnFactory() => VerifyCompiles("""
        using System;
        using Folio;
        using Folio.Storage;

        namespace Fake.Redis
        {
            public interface IConnectionMultiplexer { }

            public sealed class RedisPageStore : IPageStore
            {
                private readonly MemoryPageStore _inner;
                public RedisPageStore(string database, int pageSize) => _inner = new MemoryPageStore(database, pageSize);
                public string Name => _inner.Name;
                public int PageSize => _inner.PageSize;
                public StoreHead GetHead() => _inner.GetHead();
                public IPageStoreReader BeginRead(long knownVersion) => _inner.BeginRead(knownVersion);
                public long Commit(StoreCommit commit) => _inner.Commit(commit);
                public void Dispose() => _inner.Dispose();
            }

            [StoreFactory(typeof(RedisStoreFactory))]
            [AttributeUsage(AttributeTargets.Class)]
            public sealed class RedisStorageAttribute : StorageAttribute
            {
                public string? Database { get; set; }
            }

            public static class RedisStoreFactory
            {
                public static RedisPageStore Create(IConnectionMultiplexer redis, string database, int pageSize) => new(database, pageSize);

                // Not a factory: the last parameter is not 'int pageSize'.
                public static RedisPageStore Describe(string database) => new(database, 4096);
            }
        }

        namespace MyApp
        {
            [PagedDatabase]
            [Fake.Redis.RedisStorage(Database = "todo")]
            public partial class CacheDb
            {
            }
        }
        """);

    [Test]
    public void NestedAndGlobalNamespaceClasses() => VerifyCompiles("""
        using Folio;

        namespace Outer.Space
        {
            public static partial class Container
            {
                public partial record Holder
                {
                    [PagedDatabase(PageSize = 2048)]
                    [MemoryStorage]
                    public partial class InnerDb
                    {
                        [Query("SELECT 1")]
                        public partial int One();
                    }
                }
            }
        }

        [PagedDatabase(PageSize = 1024)]
        [MemoryStorage]
        partial class GlobalDb
        {
            [Query("SELECT $class")]
            private partial string? Echo(string @class);
        }
        """);

    // docs/guide.md shows this class and its generated code.
    [Test]
    public void TheGuidesExample() => VerifyCompiles("""
        using System.Collections.Generic;
        using Folio;

        namespace Notes;

        public sealed record Note(long Id, string Text);

        [PagedDatabase(PageSize = 4096)]
        [MemoryStorage]
        [Migration(1, "CREATE TABLE note(id INTEGER PRIMARY KEY, text TEXT NOT NULL)")]
        public partial class NotesDb
        {
            [Execute("INSERT INTO note(text) VALUES ($text)")]
            public partial int Add(string text);

            [Query("SELECT id, text FROM note WHERE text LIKE $pattern ORDER BY id")]
            public partial List<Note> Search(string pattern);
        }
        """);

    // The runtime's general VFS gets its thunks from the generator too: this is Folio.dll's own
    // source, with the implicit using the runtime project has.
    [Test]
    public void TheRuntimesGeneralVfs() => VerifyCompiles("global using System;\n" + File.ReadAllText(RepositoryFile("runtime/Folio/Vfs/GeneralVfs.cs")));

    private static string RepositoryFile(string path, [CallerFilePath] string here = "") =>
        Path.Combine(Path.GetDirectoryName(here)!, "..", "..", path);
}
