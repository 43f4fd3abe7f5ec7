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
}
