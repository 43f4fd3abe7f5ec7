using System.Text.RegularExpressions;
using Folio.Storage;
using NUnit.Framework;

namespace Folio.Cli.Tests;

/// <summary><c>folio info</c>, <c>verify</c>, <c>import</c> and <c>export</c>: output and exit codes.</summary>
[TestFixture]
public class StoreCommandTests
{
    private TestDirectory _directory = null!;
    private string _storePath = null!;
    private string _store = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = new TestDirectory();
        _storePath = _directory.File("data.folio");
        _store = $"file:{_storePath}";
    }

    [TearDown]
    public void TearDown() => _directory.Dispose();

    private void Seed(int rows = 500) => Assert.That(Cli.Run("sql", _store,
        $"CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); CREATE VIEW v AS SELECT * FROM t; WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {rows}) INSERT INTO t(v) SELECT printf('%0200d', i) FROM s;").ExitCode,
        Is.EqualTo(0));

    [Test]
    public void InfoPrintsWhatTheStoreHolds()
    {
        Seed();
        var result = Cli.Run("info", _store);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var values = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(':', 2)).ToDictionary(p => p[0], p => p[1].Trim());
        Assert.That(values["store"], Is.EqualTo(_store));
        Assert.That(values["kind"], Does.StartWith("file store"));
        Assert.That(values["file"], Does.StartWith(_storePath + " ("));
        Assert.That(values["database"], Is.EqualTo("main"));
        Assert.That(values["page size"], Is.EqualTo("4096 bytes"));
        using var store = FilePageStore.Open(_storePath);
        var head = store.GetHead();
        Assert.That(values["page count"], Is.EqualTo(head.PageCount.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(values["bytes"], Is.EqualTo((head.PageCount * 4096).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(values["version"], Is.EqualTo("3"), "CREATE TABLE, CREATE VIEW and INSERT: three commits");
        Assert.That(values["last commit"], Does.Match(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC$"));
        var lastCommit = DateTime.ParseExact(values["last commit"], "yyyy-MM-dd HH:mm:ss.fff 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(lastCommit, Is.EqualTo(store.LastCommitTime.UtcDateTime).Within(TimeSpan.FromMilliseconds(1)));
        Assert.That(values["sqlite"], Is.EqualTo("UTF-8, user_version 0, 1 table, 0 indexes, 1 view, 0 triggers"));
    }

    [Test]
    public void InfoOnAMissingStoreIsADataError()
    {
        var result = Cli.Run("info", $"file:{_directory.File("nothing-here")}");
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Error, Does.Contain("does not exist"));
        Assert.That(Directory.Exists(_directory.File("nothing-here")), Is.False, "looking does not create");
    }

    [Test]
    public void VerifyOfASoundStoreIsClean()
    {
        Seed();
        var result = Cli.Run("verify", _store);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Out, Does.Match(@"^checksums: (\d+) pages checked, 0 corrupt, 0 without a stored value\nintegrity_check: ok\nverify: ok\n$"));
        Assert.That(result.Error, Is.Empty);
    }

    [Test]
    public void VerifyNamesEveryCorruptPage()
    {
        Seed(2000);
        long pages;
        using (var store = FilePageStore.Open(_storePath))
        {
            pages = store.GetHead().PageCount;
            foreach (var page in new long[] { 3, pages - 2 })
            {
                var stored = store.GetStoredPage(page)!;
                stored[100] ^= 0x40; // one flipped bit in the payload
                store.OverwriteStoredPageForTesting(page, stored);
            }
        }
        var result = Cli.Run("verify", _store);
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Out, Does.Contain("corrupt page 3 (SQLite page 4):").And.Contain("checksum mismatch"));
        Assert.That(result.Out, Does.Contain($"corrupt page {pages - 2} (SQLite page {pages - 1}):"));
        Assert.That(result.Out, Does.Contain($"checksums: {pages} pages checked, 2 corrupt, 0 without a stored value"));
        Assert.That(result.Out, Does.Contain("integrity_check: ").And.Not.Contain("integrity_check: ok"));
        Assert.That(result.Out, Does.EndWith("verify: FAILED\n"));
        Assert.That(result.Error, Does.Contain($"2 corrupt page(s): 3, {pages - 2}"));
        Assert.That(result.Error.TrimEnd('\n').Split('\n'), Has.Length.EqualTo(1));
    }

    [Test]
    public void VerifyReportsAValueThatIsNotAFolioPage()
    {
        Seed();
        using (var store = FilePageStore.Open(_storePath))
        {
            store.OverwriteStoredPageForTesting(1, new byte[] { 1, 2, 3 });
        }
        var result = Cli.Run("verify", _store);
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Out, Does.Contain("corrupt page 1 (SQLite page 2):").And.Contain("no Folio page header"));
    }

    [Test]
    public void ImportRefusesToOverwriteUnlessAsked()
    {
        Seed();
        var source = _directory.File("source.db");
        using (var db = PlainSqlite.Open(source))
        {
            db.Execute("CREATE TABLE other(x); INSERT INTO other VALUES ('from the file');");
        }
        var refused = Cli.Run("import", source, _store);
        Assert.That(refused.ExitCode, Is.EqualTo(1), refused.ToString());
        Assert.That(refused.Error, Does.Contain("already holds a database").And.Contain("--replace"));
        Assert.That(Cli.Run("sql", _store, "SELECT count(*) FROM t", "--csv").Out, Is.EqualTo("count(*)\r\n500\r\n"), "the store is untouched");

        var replaced = Cli.Run("import", source, _store, "--replace");
        Assert.That(replaced.ExitCode, Is.EqualTo(0), replaced.ToString());
        Assert.That(Cli.Run("sql", _store, "SELECT name FROM sqlite_schema", "--csv").Out, Is.EqualTo("name\r\nother\r\n"));
    }

    [Test]
    public void ImportPrintsWhatItCopied()
    {
        var source = _directory.File("source.db");
        int pages;
        using (var db = PlainSqlite.Open(source))
        {
            db.Execute("PRAGMA page_size = 2048; CREATE TABLE a(x); INSERT INTO a VALUES (zeroblob(10000));");
            pages = int.Parse(db.Rows("PRAGMA page_count")[0][1..], System.Globalization.CultureInfo.InvariantCulture);
        }
        Assert.That(pages, Is.GreaterThan(5), "overflow pages for the blob");
        var result = Cli.Run("import", source, _store, "--stats");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Out, Does.Match($@"^Imported .*source\.db into file:.*data\.folio: {pages} pages of 2048 bytes \({pages * 2048} bytes\) in \d+\.\d\d s \(\d+ pages/s\)\nintegrity_check: ok\n$"));
        Assert.That(result.Error, Does.Contain("stats (import): ").And.Contain($"commits 1, pages written {pages}"));
        Assert.That(result.Error, Does.Contain("stats (integrity check): "));
        using var store = FilePageStore.Open(_storePath, "main", 2048);
        Assert.That((store.GetHead().Version, store.GetHead().PageCount), Is.EqualTo((1L, pages)), "one commit of every page");
    }

    [TestCase("missing.db", "does not exist")]
    [TestCase("not-sqlite.db", "is not a SQLite database")]
    public void ImportOfABadSourceIsADataError(string name, string message)
    {
        File.WriteAllText(_directory.File("not-sqlite.db"), new string('x', 500));
        var result = Cli.Run("import", _directory.File(name), _store);
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Error, Does.Contain(message));
        Assert.That(File.Exists(_storePath), Is.False, "no store was created");
    }

    [Test]
    public void ImportOfAFolioFileStoreIsRefused()
    {
        Seed();
        var result = Cli.Run("import", _storePath, $"file:{_directory.File("copy.folio")}");
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Error, Does.Contain("is a Folio file store"));
    }

    [Test]
    public void ImportedWalHeaderIsRewrittenToRollbackFormat()
    {
        var source = _directory.File("wal.db");
        using var writer = PlainSqlite.Open(source);
        writer.Execute("PRAGMA journal_mode = WAL; CREATE TABLE w(x); INSERT INTO w VALUES ('in the wal');");
        Assert.That(Cli.Run("import", source, _store).ExitCode, Is.EqualTo(0));
        using (var store = FilePageStore.Open(_storePath))
        {
            var page = new byte[store.PageSize];
            ChecksumPageCodec.Instance.Decode(store.Name, new PageAddress(store.GetHead().Lineage.DatabaseId, 0, store.GetHead().Version), store.GetStoredPage(0), page);
            Assert.That(page[18..20], Is.EqualTo(new byte[] { 1, 1 }), "file format bytes: rollback journal");
        }
        Assert.That(Cli.Run("sql", _store, "SELECT x FROM w", "--csv").Out, Is.EqualTo("x\r\nin the wal\r\n"));
    }

    [Test]
    public void ExportRefusesToOverwriteUnlessAskedAndLeavesNoTemporaryFile()
    {
        Seed();
        var target = _directory.File("out.db");
        File.WriteAllText(target, "precious");
        var refused = Cli.Run("export", _store, target);
        Assert.That(refused.ExitCode, Is.EqualTo(1), refused.ToString());
        Assert.That(refused.Error, Does.Contain("exists; pass --replace"));
        Assert.That(File.ReadAllText(target), Is.EqualTo("precious"));

        var replaced = Cli.Run("export", _store, target, "--replace");
        Assert.That(replaced.ExitCode, Is.EqualTo(0), replaced.ToString());
        Assert.That(replaced.Out, Does.Match(@"^Exported file:.* to .*out\.db: \d+ pages of 4096 bytes \(\d+ bytes\) in \d+\.\d\d s \(\d+ pages/s\)\nintegrity_check: ok\n$"));
        using (var exported = PlainSqlite.Open(target, readOnly: true))
        {
            Assert.That(exported.Rows("SELECT count(*) FROM t"), Is.EqualTo(new[] { "i500" }));
        }
        Assert.That(Directory.GetFiles(_directory.Path).Select(Path.GetFileName), Has.None.Contains("folio-export"));
    }

    [Test]
    public void ExportOfACorruptStoreFailsAndWritesNothing()
    {
        Seed(2000);
        using (var store = FilePageStore.Open(_storePath))
        {
            var stored = store.GetStoredPage(5)!;
            stored[200] ^= 1;
            store.OverwriteStoredPageForTesting(5, stored);
        }
        var target = _directory.File("out.db");
        var result = Cli.Run("export", _store, target);
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Error, Does.Contain("page 5 is corrupt"));
        Assert.That(File.Exists(target), Is.False);
        Assert.That(Directory.GetFiles(_directory.Path).Select(Path.GetFileName), Has.None.Contains("folio-export"));
    }

    [Test]
    public void ExportOfAMissingStoreIsADataError()
    {
        var result = Cli.Run("export", $"file:{_directory.File("none")}", _directory.File("out.db"));
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Error, Does.Contain("does not exist"));
    }

    [Test]
    public void TheRealProcessNamesACorruptPageAndExitsWithOne()
    {
        Seed();
        using (var store = FilePageStore.Open(_storePath))
        {
            var stored = store.GetStoredPage(2)!;
            stored[^1] ^= 0xff;
            store.OverwriteStoredPageForTesting(2, stored);
        }
        var result = Cli.RunProcess(_directory.Path, "verify", "file:data.folio");
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(Regex.IsMatch(result.Out, @"corrupt page 2 \(SQLite page 3\): .*checksum mismatch"), Is.True, result.ToString());
    }
}
