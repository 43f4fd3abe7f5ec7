using System.Text;
using Folio.Redis;
using Folio.Storage;
using Folio.Testing;

namespace Folio.Benchmarks;

/// <summary>
/// Page codecs: how much each compressor saves on real databases, what encryption costs on the
/// memory store, and what compression saves on the wire to Redis.
/// </summary>
public static class CodecFigures
{
    private static readonly PageKeyRing Keys = new([KeyValuePair.Create(1u, PageKeyRing.NewKey())]);

    public static void Run()
    {
        foreach (var (fixture, store) in new[] { ("text", TextHeavy()), ("mixed", Mixed()), ("cli-20k", CliSample()), ("sqllogictest", SqlLogicTest()) })
        {
            foreach (var compression in new[] { PageCompression.Lz4, PageCompression.Zstd })
            {
                var (stored, raw) = StoredBytes(store, new PageCodec(compression));
                var suffix = fixture == "text" ? "" : "." + fixture;
                Console.WriteLine($"ratio codec.stored-bytes/raw-bytes.{Name(compression)}{suffix} = {(double)stored / raw:F3}");
                Console.Error.WriteLine($"  ({fixture} fixture, {Name(compression)}: {stored} stored bytes for {raw} page bytes, {raw / store.PageSize} pages)");
            }
        }

        using var workloads = new Workloads();
        var plain = workloads.FolioMemory();
        var encrypted = workloads.FolioMemory(new FolioOptions { Codec = new PageCodec(PageCompression.None, Keys) });
        QuickHarness.Ratio("read.encrypted/plain", () => encrypted.PointRead(), () => plain.PointRead(), 20_000);
        QuickHarness.Ratio("commit.encrypted/plain", () => encrypted.SmallInsert(workloads.NextPayload()), () => plain.SmallInsert(workloads.NextPayload()), 2_000);

        // Every read transaction decodes the pages it touches: the codec's whole cost on reads.
        var plainUncached = workloads.FolioMemory(new FolioOptions { CachePages = 0 });
        var encryptedUncached = workloads.FolioMemory(new FolioOptions { CachePages = 0, Codec = new PageCodec(PageCompression.None, Keys) });
        var lz4Uncached = workloads.FolioMemory(new FolioOptions { CachePages = 0, Codec = new PageCodec(PageCompression.Lz4) });
        var zstdUncached = workloads.FolioMemory(new FolioOptions { CachePages = 0, Codec = new PageCodec(PageCompression.Zstd) });
        QuickHarness.Ratio("read.encrypted/plain.no-page-cache", () => encryptedUncached.ColdPointRead(), () => plainUncached.ColdPointRead(), 5_000);
        QuickHarness.Ratio("read.lz4/plain.no-page-cache", () => lz4Uncached.ColdPointRead(), () => plainUncached.ColdPointRead(), 5_000);
        QuickHarness.Ratio("read.zstd/plain.no-page-cache", () => zstdUncached.ColdPointRead(), () => plainUncached.ColdPointRead(), 5_000);
        var lz4 = workloads.FolioMemory(new FolioOptions { Codec = new PageCodec(PageCompression.Lz4) });
        var zstd = workloads.FolioMemory(new FolioOptions { Codec = new PageCodec(PageCompression.Zstd) });
        QuickHarness.Ratio("commit.lz4/plain", () => lz4.SmallInsert(workloads.NextPayload()), () => plain.SmallInsert(workloads.NextPayload()), 2_000);
        QuickHarness.Ratio("commit.zstd/plain", () => zstd.SmallInsert(workloads.NextPayload()), () => plain.SmallInsert(workloads.NextPayload()), 2_000);

        // Where a commit waits for a disk, the cipher's fixed cost per page is noise.
        var plainFile = workloads.FolioFile();
        var encryptedFile = workloads.FolioFile(options: new FolioOptions { Codec = new PageCodec(PageCompression.None, Keys) });
        QuickHarness.Ratio("commit.encrypted/plain.file", () => encryptedFile.SmallInsert(workloads.NextPayload()), () => plainFile.SmallInsert(workloads.NextPayload()), 40, 9);

        RedisBytes();
    }

    /// <summary>The same text-heavy inserts to Redis, plain and compressed: bytes on the wire.</summary>
    private static void RedisBytes()
    {
        using var server = RedisServer.Start();
        using var redis = RedisPageStore.Connect(server.Configuration);
        long Written(IPageCodec? codec)
        {
            var store = RedisPageStore.Open(redis, "codec-" + Guid.NewGuid().ToString("N"));
            using var db = FolioDatabase.Open(store, new FolioOptions { Codec = codec }, ownsStore: true);
            using var c = db.OpenConnection();
            FillText(c, rows: 3000);
            return store.BytesWritten;
        }
        var plain = Written(null);
        foreach (var compression in new[] { PageCompression.Lz4, PageCompression.Zstd })
        {
            var compressed = Written(new PageCodec(compression));
            var name = compression == PageCompression.Lz4 ? "redis.bytes-written.compressed/plain" : "redis.bytes-written.zstd/plain";
            Console.WriteLine($"ratio {name} = {(double)compressed / plain:F3}");
            Console.Error.WriteLine($"  ({Name(compression)}: {compressed} bytes written to Redis, plain {plain})");
        }
    }

    private static string Name(PageCompression compression) => compression == PageCompression.Lz4 ? "lz4" : "zstd";

    /// <summary>Every page of <paramref name="store"/> re-encoded with <paramref name="codec"/>: stored bytes and page bytes.</summary>
    private static (long Stored, long Raw) StoredBytes(MemoryPageStore store, IPageCodec codec)
    {
        var head = store.GetHead();
        var page = new byte[store.PageSize];
        var encoded = new byte[codec.MaxEncodedSize(store.PageSize)];
        long stored = 0;
        for (long number = 0; number < head.PageCount; number++)
        {
            var value = store.GetStoredPage(number);
            if (value is null)
            {
                continue;
            }
            ChecksumPageCodec.Instance.Decode(store.Name, new PageAddress(head.Lineage.DatabaseId, number, head.Version), value, page);
            stored += codec.Encode(new PageAddress(head.Lineage.DatabaseId, number, head.Version + 1), page, encoded);
        }
        return (stored, head.PageCount * store.PageSize);
    }

    private static readonly string[] Words =
        ("the of and to in is that for it as was with be by on not he this are or his from at which but have an they you were her one all " +
         "order invoice customer shipped delivered account balance payment refund note address street city country ledger entry amount " +
         "because however although meanwhile therefore review comment status pending approved rejected quickly slowly carefully").Split(' ');

    private static void FillText(FolioConnection c, int rows)
    {
        var random = new Random(16);
        c.Execute("CREATE TABLE notes(id INTEGER PRIMARY KEY, author TEXT NOT NULL, body TEXT NOT NULL)");
        c.Execute("CREATE INDEX notes_author ON notes(author)");
        c.Execute("BEGIN");
        for (var i = 0; i < rows; i++)
        {
            var body = new StringBuilder();
            for (var w = random.Next(20, 120); w > 0; w--)
            {
                body.Append(Words[random.Next(Words.Length)]).Append(w % 13 == 0 ? ". " : " ");
            }
            c.Execute("INSERT INTO notes(author, body) VALUES (?1, ?2)", $"author{random.Next(200)}@example.org", body.ToString());
        }
        c.Execute("COMMIT");
    }

    /// <summary>Prose-like notes with an index: what most application databases hold.</summary>
    private static MemoryPageStore TextHeavy()
    {
        var store = new MemoryPageStore("text-" + Guid.NewGuid().ToString("N"));
        using var db = FolioDatabase.Open(store);
        using var c = db.OpenConnection();
        FillText(c, rows: 5000);
        return store;
    }

    /// <summary>Numbers, short text and random blobs (incompressible), as the CLI tests' sample database mixes them.</summary>
    private static MemoryPageStore Mixed()
    {
        var store = new MemoryPageStore("mixed-" + Guid.NewGuid().ToString("N"));
        using var db = FolioDatabase.Open(store);
        using var c = db.OpenConnection();
        var random = new Random(20_000);
        c.Execute("CREATE TABLE people(id INTEGER PRIMARY KEY, name TEXT, age INTEGER, score REAL); CREATE TABLE blobs(id INTEGER PRIMARY KEY, data BLOB);");
        c.Execute("BEGIN");
        for (var i = 0; i < 10_000; i++)
        {
            c.Execute("INSERT INTO people(name, age, score) VALUES (?1, ?2, ?3)", $"person {i}", (long)random.Next(100), random.NextDouble());
        }
        for (var i = 0; i < 1_000; i++)
        {
            var data = new byte[random.Next(0, 9001)];
            random.NextBytes(data);
            c.Execute("INSERT INTO blobs(data) VALUES (?1)", data);
        }
        c.Execute("COMMIT");
        return store;
    }

    /// <summary>The 15 shared sqllogictest scripts' statements, run into one database (results not checked).</summary>
    /// <summary>
    /// The CLI tests' 20,000-row database (tests/Folio.Cli.Tests/SampleDatabase.cs: every storage
    /// class, unicode text, random blobs of 0 to 9000 bytes), made by plain SQLite and copied into a
    /// memory store with SQLite's backup API.
    /// </summary>
    private static MemoryPageStore CliSample()
    {
        var path = Path.Combine(Path.GetTempPath(), $"folio-cli-sample-{Guid.NewGuid():N}.db");
        try
        {
            using var source = Folio.Cli.Tests.SampleDatabase.Create(path, wal: false);
            var store = new MemoryPageStore("cli-20k-" + Guid.NewGuid().ToString("N"));
            using var db = FolioDatabase.Open(store);
            using var c = db.OpenConnection();
            var backup = SQLitePCL.raw.sqlite3_backup_init(c.Handle, "main", source.Handle, "main");
            var rc = SQLitePCL.raw.sqlite3_backup_step(backup, -1);
            SQLitePCL.raw.sqlite3_backup_finish(backup);
            if (rc != SQLitePCL.raw.SQLITE_DONE)
            {
                throw new InvalidOperationException($"copying the CLI sample into the memory store failed: {SQLitePCL.raw.sqlite3_errstr(rc).utf8_to_string()}");
            }
            return store;
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static MemoryPageStore SqlLogicTest()
    {
        var store = new MemoryPageStore("slt-" + Guid.NewGuid().ToString("N"));
        using var db = FolioDatabase.Open(store);
        using var c = db.OpenConnection();
        var directory = Path.Combine(RepositoryRoot(), "tests", "Folio.Conformance", "sqllogictest");
        foreach (var script in Directory.GetFiles(directory, "*.test").Order(StringComparer.Ordinal))
        {
            foreach (var sql in Statements(File.ReadAllText(script)))
            {
                try
                {
                    c.Execute(sql);
                }
                catch (FolioException)
                {
                    // Scripts expect some statements to fail, and run others only on other engines.
                }
            }
        }
        return store;
    }

    /// <summary>The SQL of each <c>statement</c> record of a script, tables renamed per script so scripts do not collide.</summary>
    private static IEnumerable<string> Statements(string script)
    {
        var lines = script.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("statement ok", StringComparison.Ordinal))
            {
                continue;
            }
            var sql = new StringBuilder();
            while (++i < lines.Length && lines[i].Trim().Length > 0)
            {
                sql.AppendLine(lines[i]);
            }
            yield return sql.ToString();
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Directory.Packages.props")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("the repository root (Directory.Packages.props) is not above " + AppContext.BaseDirectory);
    }
}
