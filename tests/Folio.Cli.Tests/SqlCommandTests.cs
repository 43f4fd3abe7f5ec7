using System.Text.Json;
using Folio.Storage;
using NUnit.Framework;

namespace Folio.Cli.Tests;

/// <summary><c>folio sql</c>: output formats, errors and transactions.</summary>
[TestFixture]
public class SqlCommandTests
{
    private TestDirectory _directory = null!;
    private string _store = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = new TestDirectory();
        _store = $"file:{_directory.File("store")}";
    }

    [TearDown]
    public void TearDown() => _directory.Dispose();

    private void Seed() => Assert.That(Cli.Run("sql", _store, """
        CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, score REAL, data BLOB);
        INSERT INTO t VALUES (1, 'one', 1.5, x'00ff'), (2, 'two, "quoted"', NULL, NULL), (3, NULL, -0.25, x'');
        """).ExitCode, Is.EqualTo(0));

    [Test]
    public void CreatesTheDatabaseAndPrintsTables()
    {
        var result = Cli.Run("sql", _store, "CREATE TABLE t(a, b); INSERT INTO t VALUES (1, 'x'), (2.5, NULL); SELECT a, b FROM t ORDER BY a; SELECT count(*) AS n FROM t;");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Error, Is.Empty);
        var lines = result.Out.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.That(lines[0], Is.EqualTo("2 rows changed"));
        Assert.That(result.Out, Does.Contain("│ 1   │ x    │").And.Contain("│ 2.5 │ NULL │"));
        Assert.That(result.Out, Does.Contain("(2 rows)").And.Contain("(1 row)"));
        Assert.That(Directory.Exists(_directory.File("store")), Is.True);
        Assert.That(File.Exists(Path.Combine(_directory.File("store"), FilePageStore.DefaultFileName)), Is.True);

        var again = Cli.Run("sql", _store, "SELECT group_concat(a) FROM t");
        Assert.That(again.Out, Does.Contain("1,2.5"), "the data persisted");
    }

    [Test]
    public void PrintsCsv()
    {
        Seed();
        var result = Cli.Run("sql", _store, "SELECT * FROM t ORDER BY id; SELECT 'second' AS r", "--csv");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Out, Is.EqualTo(
            "id,name,score,data\r\n1,one,1.5,x'00ff'\r\n2,\"two, \"\"quoted\"\"\",,\r\n3,,-0.25,x''\r\n\r\nr\r\nsecond\r\n"));
    }

    [Test]
    public void PrintsJson()
    {
        Seed();
        var result = Cli.Run("sql", _store, "SELECT * FROM t ORDER BY id; SELECT 'é' AS e, 9007199254740993 AS big", "--json");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        var lines = result.Out.TrimEnd('\n').Split('\n');
        Assert.That(lines, Has.Length.EqualTo(2), "one result per line");
        using var first = JsonDocument.Parse(lines[0]);
        var rows = first.RootElement.EnumerateArray().ToList();
        Assert.That(rows, Has.Count.EqualTo(3));
        Assert.That(rows[0].GetProperty("name").GetString(), Is.EqualTo("one"));
        Assert.That(rows[0].GetProperty("score").GetDouble(), Is.EqualTo(1.5));
        Assert.That(rows[0].GetProperty("data").GetBytesFromBase64(), Is.EqualTo(new byte[] { 0x00, 0xff }));
        Assert.That(rows[1].GetProperty("score").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(rows[1].GetProperty("name").GetString(), Is.EqualTo("two, \"quoted\""));
        using var second = JsonDocument.Parse(lines[1]);
        Assert.That(second.RootElement[0].GetProperty("e").GetString(), Is.EqualTo("é"));
        Assert.That(second.RootElement[0].GetProperty("big").GetInt64(), Is.EqualTo(9007199254740993L), "integers keep all 64 bits");
    }

    [Test]
    public void ReadsSqlFromStandardInput()
    {
        var result = Cli.RunWithInput("CREATE TABLE s(x);\nINSERT INTO s VALUES (42);\nSELECT x FROM s;\n", "sql", _store, "-", "--csv");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Out, Is.EqualTo("x\r\n42\r\n"));
    }

    [Test]
    public void ASqlErrorIsExitCodeOneWithOneLine()
    {
        Seed();
        var result = Cli.Run("sql", _store, "SELECT * FROM missing_table");
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Out, Is.Empty);
        Assert.That(result.Error, Does.StartWith("folio: ").And.Contain("no such table: missing_table").And.Contain("SQL: SELECT * FROM missing_table"));
        Assert.That(result.Error.TrimEnd('\n').Split('\n'), Has.Length.EqualTo(1));
    }

    [Test]
    public void AFailingStatementRollsBackItsTransactionAndPrintsNothingOfIt()
    {
        Seed();
        var result = Cli.Run("sql", _store, "SELECT 'before'; BEGIN; INSERT INTO t(id) VALUES (10); SELECT 'inside'; INSERT INTO t(id) VALUES (1); COMMIT;");
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Error, Does.Contain("UNIQUE constraint failed: t.id"));
        Assert.That(result.Out, Does.Contain("before"), "the finished transaction's output was printed");
        Assert.That(result.Out, Does.Not.Contain("inside"), "the failed transaction's output was not");
        Assert.That(Cli.Run("sql", _store, "SELECT count(*) FROM t WHERE id = 10", "--csv").Out, Is.EqualTo("count(*)\r\n0\r\n"));
    }

    [Test]
    public void SqlLeftInsideATransactionIsRolledBack()
    {
        Seed();
        var result = Cli.Run("sql", _store, "BEGIN; DELETE FROM t;");
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Error, Does.Contain("ended inside a transaction"));
        Assert.That(Cli.Run("sql", _store, "SELECT count(*) FROM t", "--csv").Out, Is.EqualTo("count(*)\r\n3\r\n"));
    }

    [Test]
    public void PageSizeAppliesToANewDatabaseAndMustMatchAnExistingOne()
    {
        var created = Cli.Run("sql", _store, "CREATE TABLE t(x); PRAGMA page_size;", "--page-size", "8192", "--csv");
        Assert.That(created.ExitCode, Is.EqualTo(0), created.ToString());
        Assert.That(created.Out, Does.EndWith("page_size\r\n8192\r\n"));
        Assert.That(Cli.Run("sql", _store, "SELECT 1", "--page-size", "8192").ExitCode, Is.EqualTo(0));
        Assert.That(Cli.Run("sql", _store, "SELECT 1").ExitCode, Is.EqualTo(0), "without --page-size the store's own is used");

        var mismatch = Cli.Run("sql", _store, "SELECT 1", "--page-size", "4096");
        Assert.That(mismatch.ExitCode, Is.EqualTo(1), mismatch.ToString());
        Assert.That(mismatch.Error, Does.Contain("was created with page size 8192, not 4096"));
    }

    [Test]
    public void NamedDatabasesShareOneFile()
    {
        var file = _directory.File("shared.folio");
        Assert.That(Cli.Run("sql", $"file:{file}#a", "CREATE TABLE a(x); INSERT INTO a VALUES ('in a')").ExitCode, Is.EqualTo(0));
        Assert.That(Cli.Run("sql", $"file:{file}#b", "CREATE TABLE b(x); INSERT INTO b VALUES ('in b')", "--page-size", "1024").ExitCode, Is.EqualTo(0));
        Assert.That(Cli.Run("sql", $"file:{file}#a", "SELECT x FROM a", "--csv").Out, Is.EqualTo("x\r\nin a\r\n"));
        Assert.That(Cli.Run("sql", $"file:{file}#b", "SELECT x FROM b", "--csv").Out, Is.EqualTo("x\r\nin b\r\n"));
        var info = Cli.Run("info", $"file:{file}#b");
        Assert.That(info.Out, Does.Contain("databases in file: a (2 pages of 4096 bytes), b (2 pages of 1024 bytes)"), info.ToString());
    }

    [Test]
    public void APlainSqliteFileIsNotTurnedIntoAStore()
    {
        var plain = _directory.File("app.db");
        using (var db = PlainSqlite.Open(plain))
        {
            db.Execute("CREATE TABLE mine(x); INSERT INTO mine VALUES (1);");
        }
        var result = Cli.Run("sql", $"file:{plain}", "SELECT 1");
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Error, Does.Contain("is a SQLite database, not a Folio file store").And.Contain("folio import"));
        using var check = PlainSqlite.Open(plain, readOnly: true);
        Assert.That(check.Rows("SELECT name FROM sqlite_schema"), Is.EqualTo(new[] { "tmine" }), "nothing was added to the user's file");
    }

    [Test]
    public void StatsGoToStandardError()
    {
        var result = Cli.Run("sql", _store, "CREATE TABLE t(x); INSERT INTO t VALUES (1); SELECT * FROM t;", "--stats", "--csv");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Out, Is.EqualTo("x\r\n1\r\n"), "statistics stay out of the results");
        Assert.That(result.Error, Does.Match(@"^stats \(sql\): store calls \d+, read transactions \d+, pages read \d+ \(\d+ bytes\), cache hits \d+, commits 2, pages written \d+ \(\d+ bytes\), conflicts 0, failed commits 0\n$"));
    }

    [Test]
    public void StatsArePrintedEvenWhenTheCommandFails()
    {
        var result = Cli.Run("sql", _store, "SELECT * FROM nope", "--stats");
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.Contain("no such table").And.Contain("stats (sql): store calls"));
    }
}
