using NUnit.Framework;

namespace Folio.Cli.Tests;

/// <summary>A database made by SQLite goes into a store and comes back out unchanged.</summary>
[TestFixture]
public class RoundTripTests
{
    private TestDirectory _directory = null!;

    [SetUp]
    public void SetUp() => _directory = new TestDirectory();

    [TearDown]
    public void TearDown() => _directory.Dispose();

    [Test]
    public void TheRealToolImportsAWalSourceInUseAndExportsItLosslessly()
    {
        var source = _directory.File("source.db");
        // The writer stays open, its rows still in the WAL: the import must read through it.
        using var writer = SampleDatabase.Create(source, wal: true);
        Assert.That(new FileInfo(source + "-wal").Length, Is.GreaterThan(new FileInfo(source).Length), "the rows should still be in the WAL");
        var expected = writer.Dump();
        Assert.That(expected, Has.Count.GreaterThan(SampleDatabase.Rows));

        var import = Cli.RunProcess(_directory.Path, "import", "source.db", "file:store");
        Assert.That(import.ExitCode, Is.EqualTo(0), import.ToString());
        Assert.That(import.Out, Does.Contain("Imported").And.Contain("integrity_check: ok"), import.ToString());
        Assert.That(import.Out, Does.Contain("WAL mode"), "the conversion out of WAL format is reported");

        var verify = Cli.RunProcess(_directory.Path, "verify", "file:store");
        Assert.That(verify.ExitCode, Is.EqualTo(0), verify.ToString());

        var export = Cli.RunProcess(_directory.Path, "export", "file:store", "exported.db");
        Assert.That(export.ExitCode, Is.EqualTo(0), export.ToString());
        Assert.That(export.Error, Is.Empty);

        using var exported = PlainSqlite.Open(_directory.File("exported.db"), readOnly: true);
        Assert.That(exported.Dump(), Is.EqualTo(expected));
        Assert.That(exported.Rows("PRAGMA journal_mode"), Is.EqualTo(new[] { "tdelete" }), "the export is a rollback-journal file");
        Assert.That(exported.Rows("PRAGMA integrity_check"), Is.EqualTo(new[] { "tok" }));
    }

    [Test]
    public void TheSqliteShellDumpsTheSameDatabaseBeforeAndAfter()
    {
        var source = _directory.File("source.db");
        using (SampleDatabase.Create(source, wal: false))
        {
        }
        Assert.That(Cli.Run("import", source, $"file:{_directory.File("store")}").ExitCode, Is.EqualTo(0));
        Assert.That(Cli.Run("export", $"file:{_directory.File("store")}", _directory.File("exported.db")).ExitCode, Is.EqualTo(0));
        var before = SqliteShell.Dump(source);
        var after = SqliteShell.Dump(_directory.File("exported.db"));
        Assert.That(before, Does.Contain("CREATE TABLE people").And.Contain("CREATE TRIGGER people_touch").And.Contain("INSERT INTO blobs"));
        Assert.That(after, Is.EqualTo(before));
    }

    [TestCase(1024)]
    [TestCase(65536)]
    public void AnImportConvertedToAnotherPageSizeExportsTheSameData(int pageSize)
    {
        var source = _directory.File("source.db");
        List<string> expected;
        using (var db = SampleDatabase.Create(source, wal: false))
        {
            expected = db.Dump(withRootPages: false);
        }

        var import = Cli.Run("import", source, $"file:{_directory.File("store")}", "--page-size", pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.That(import.ExitCode, Is.EqualTo(0), import.ToString());
        Assert.That(import.Out, Does.Contain($"Converting page size 4096 to {pageSize}"));
        var info = Cli.Run("info", $"file:{_directory.File("store")}");
        Assert.That(info.Out, Does.Contain($"page size:").And.Contain($"{pageSize} bytes"), info.ToString());
        Assert.That(info.Out, Does.Not.Contain("SQLite's header says"), "SQLite's page size must be the store's");

        var export = Cli.Run("export", $"file:{_directory.File("store")}", _directory.File("exported.db"));
        Assert.That(export.ExitCode, Is.EqualTo(0), export.ToString());
        using var exported = PlainSqlite.Open(_directory.File("exported.db"), readOnly: true);
        Assert.That(exported.Rows("PRAGMA page_size"), Is.EqualTo(new[] { $"i{pageSize}" }));
        Assert.That(exported.Dump(withRootPages: false), Is.EqualTo(expected));
    }

    [Test]
    public void ARollbackJournalSourceComesBackPageForPage()
    {
        var source = _directory.File("source.db");
        List<string> expected;
        using (var db = SampleDatabase.Create(source, wal: false))
        {
            expected = db.Dump();
        }
        var store = $"file:{_directory.File("store.folio")}#copy";
        Assert.That(Cli.Run("import", source, store).ExitCode, Is.EqualTo(0));
        var export = Cli.Run("export", store, _directory.File("exported.db"));
        Assert.That(export.ExitCode, Is.EqualTo(0), export.ToString());
        using var exported = PlainSqlite.Open(_directory.File("exported.db"), readOnly: true);
        Assert.That(exported.Dump(), Is.EqualTo(expected));
    }

    [Test]
    public void AnImportWhileAnotherConnectionKeepsWritingTakesOneConsistentSnapshot()
    {
        var source = _directory.File("busy.db");
        using (var setup = PlainSqlite.Open(source))
        {
            // Large enough that the copy takes many steps, so the writer's commits land in between.
            setup.Execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; CREATE TABLE filler(x); CREATE TABLE seq(n INTEGER PRIMARY KEY, pad BLOB);");
            setup.Execute("WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 3000) INSERT INTO filler SELECT zeroblob(3000) FROM s;");
        }
        using var stop = new CancellationTokenSource();
        long written = 0;
        var writer = Task.Run(() =>
        {
            using var db = PlainSqlite.Open(source);
            db.Execute("PRAGMA busy_timeout = 10000; PRAGMA synchronous = OFF;");
            while (!stop.IsCancellationRequested)
            {
                db.Execute($"INSERT INTO seq VALUES ({written + 1}, zeroblob(500))");
                Interlocked.Increment(ref written);
            }
        });
        while (Interlocked.Read(ref written) < 20)
        {
            Thread.Sleep(10);
        }
        var store = $"file:{_directory.File("store")}";
        var result = Cli.Run("import", source, store);
        stop.Cancel();
        writer.Wait();
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        TestContext.Out.WriteLine(result.Out);

        var rows = Cli.Run("sql", store, "SELECT count(*), min(n), max(n) FROM seq; SELECT count(*) FROM filler;", "--csv");
        var lines = rows.Out.Split("\r\n");
        var counts = lines[1].Split(',').Select(long.Parse).ToArray();
        Assert.That(counts[0], Is.EqualTo(counts[2]).And.GreaterThanOrEqualTo(20), "rows 1..k with no gap: " + rows.Out);
        Assert.That(counts[1], Is.EqualTo(1));
        Assert.That(counts[2], Is.LessThanOrEqualTo(Interlocked.Read(ref written)));
        Assert.That(lines[4], Is.EqualTo("3000"));
    }
}
