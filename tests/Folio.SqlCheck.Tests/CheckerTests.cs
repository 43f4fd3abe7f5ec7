using System.Runtime.InteropServices;
using NUnit.Framework;

namespace Folio.SqlCheck.Tests;

/// <summary>Loads the e_sqlite3 library this test run resolved, once: the check's import resolver can be set only once.</summary>
[SetUpFixture]
public sealed class NativeSqlite
{
    [OneTimeSetUp]
    public void Load()
    {
        var name = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "e_sqlite3.dll"
            : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "libe_sqlite3.dylib" : "libe_sqlite3.so";
        Sqlite.LoadFrom(Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier, "native", name));
    }
}

/// <summary>
/// The check on models written by hand, against real SQLite: what each rule infers, beyond the
/// fresh-project builds of Folio.Package.Tests (which assert the messages as MSBuild prints them).
/// </summary>
public class CheckerTests
{
    private const string Schema = """
        CREATE TABLE author(id INTEGER PRIMARY KEY, name TEXT NOT NULL, born DATETIME, code TEXT NOT NULL);
        CREATE TABLE book(id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL, title TEXT NOT NULL);
        CREATE VIEW titled AS SELECT b.id AS id, b.title AS title FROM book b;
        """;

    private static readonly Site At = new("Db.cs", 3, 5);

    private static Member M(string name, string kind, bool nullable = false) =>
        new(name, new Value(kind == "String" ? "string" : kind == "DateTime" ? "System.DateTime" : "long", kind, nullable));

    private static List<string> Check(string sql, params Member[] members) =>
        Check(sql, new Row("Tuple", "(row)", members));

    private static List<string> Check(string sql, Row row, params Binding[] bindings) =>
        Checker.Check(new DatabaseModel("Db", [new Migration(1, Schema, At)], [new Statement("Db.M", sql, At, [], bindings, row, false)]))
            .Select(f => f.Rule.Id + " " + f.Message).ToList();

    [Test]
    public void AFailingMigrationIsReportedOnceAtItsSqlAndNoStatementIsPrepared()
    {
        var findings = Checker.Check(new DatabaseModel("Db",
            [new Migration(1, Schema, At), new Migration(2, "ALTER TABLE missing ADD x INT", new Site("Db.cs", 9, 15))],
            [new Statement("Db.M", "SELECT nope FROM missing", At, [], [], null, false)]));
        Assert.That(findings.Select(f => (f.Rule.Id, f.Site, f.Message)), Is.EqualTo(new[]
        {
            ("FOLIO110", (Site?)new Site("Db.cs", 9, 15), "SQL of 'Db migration 2' does not prepare: no such table: missing"),
        }));
    }

    [Test]
    public void AnIntegerPrimaryKeyAndNotNullColumnsAreNotNullAndOthersAre()
    {
        Assert.That(Check("SELECT id, name FROM author", M("Id", "Int64"), M("Name", "String")), Is.Empty);
        Assert.That(Check("SELECT born FROM author", M("Born", "DateTime")),
            Is.EqualTo(new[] { "FOLIO115 Column 'born' of 'Db.M' can be NULL (author.born is not declared NOT NULL) and fills member 'Born' (System.DateTime), which is not nullable" }));
        Assert.That(Check("SELECT born FROM author", M("Born", "DateTime", nullable: true)), Is.Empty, "DATETIME (NUMERIC affinity) reads into DateTime");
    }

    [Test]
    public void ColumnsSeenThroughAViewKeepTheirTablesConstraints()
    {
        Assert.That(Check("SELECT id, title FROM titled", M("Id", "Int64"), M("Title", "String")), Is.Empty);
    }

    [TestCase("SELECT a.name, b.title FROM author a LEFT JOIN book b ON b.author_id = a.id", "title", "book")]
    [TestCase("SELECT a.name, b.title FROM author a LEFT OUTER JOIN (SELECT * FROM book) b ON b.author_id = a.id", "title", "book")]
    [TestCase("SELECT a.name, b.title FROM book b RIGHT JOIN author a ON b.author_id = a.id", "title", "book")]
    [TestCase("SELECT a.name, b.title FROM author a FULL JOIN book b ON b.author_id = a.id", "name", "author")]
    public void TheNullableSideOfAnOuterJoinCanBeNull(string sql, string column, string table)
    {
        var findings = Check(sql, M("Name", "String"), M("Title", "String"));
        Assert.That(findings, Has.Member($"FOLIO115 Column '{column}' of 'Db.M' can be NULL ({table} is on the nullable side of an outer join) and fills member '{(column == "name" ? "Name" : "Title")}' (string), which is not nullable"));
        Assert.That(Check(sql.Replace("LEFT OUTER JOIN", "JOIN", StringComparison.Ordinal).Replace("LEFT JOIN", "JOIN", StringComparison.Ordinal)
            .Replace("RIGHT JOIN", "JOIN", StringComparison.Ordinal).Replace("FULL JOIN", "JOIN", StringComparison.Ordinal), M("Name", "String"), M("Title", "String")), Is.Empty, "an inner join");
    }

    [Test]
    public void AnAggregateOverNoRowsCanBeNullAndCoalesceOrCountCannot()
    {
        var binding = new Binding("$min", "min", new Value("long", "Int64", false));
        Assert.That(Check("SELECT max(id) AS top, count(*) AS n FROM author WHERE id > $min", new Row("Tuple", "(long, long)", [M("Top", "Int64"), M("N", "Int64")]), binding),
            Is.EqualTo(new[] { "FOLIO115 Column 'top' of 'Db.M' can be NULL (it is NULL when the statement runs over the migrated tables, as an aggregate over no rows is) and fills member 'Top' (long), which is not nullable" }));
        Assert.That(Check("SELECT coalesce(max(id), 0) AS top FROM author WHERE id > $min", new Row("Scalar", "long", [M("value", "Int64")]), binding), Is.Empty);
        var name = new Binding("$name", "name", new Value("string", "String", false));
        Assert.That(Check("SELECT $name AS name", new Row("Scalar", "string", [M("value", "String")]), name), Is.Empty, "a non-nullable parameter is bound to a value");
    }

    [Test]
    public void AStatementThatRunsForeverOverTheTablesIsCutShort()
    {
        const string sql = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) AS top FROM c";
        Assert.That(Check(sql, M("Top", "Int64")), Is.Empty, "interrupted, so nothing is known about the expression");
    }

    [Test]
    public void DeclaredTypesThatDoNotConvertAreReportedAndExpressionsAreNot()
    {
        Assert.That(Check("SELECT code FROM author", M("Code", "Int64")),
            Is.EqualTo(new[] { "FOLIO114 Column 'code' of 'Db.M' is declared TEXT (TEXT affinity) and member 'Code' is long: an integer member reads TEXT values as 0 unless they look like numbers" }));
        Assert.That(Check("SELECT CAST(code AS INTEGER) AS code FROM author", M("Code", "Int64")), Is.Empty);
    }

    [Test]
    public void AQueryWhoseStatementReturnsNoRowsIsReportedOnceByTheAnalyzerOrElseHere()
    {
        Statement Update(bool reported) => new("Db.M", "UPDATE author SET name = name", At, [], [], new Row("Scalar", "long", [M("value", "Int64")]), false, reported);
        Assert.That(Checker.Check(new DatabaseModel("Db", [new Migration(1, Schema, At)], [Update(reported: true)])), Is.Empty, "FOLIO107 said it");
        Assert.That(Checker.Check(new DatabaseModel("Db", [new Migration(1, Schema, At)], [Update(reported: false)])).Select(f => f.Message),
            Is.EqualTo(new[] { "Member 'value' of row 'long' is filled by no column of 'Db.M' (columns: none)" }));
    }

    [Test]
    public void APositionalRowTakesColumnsByPositionAndObjectsByName()
    {
        Assert.That(Check("SELECT id, name FROM author", M("Id", "Int64")),
            Is.EqualTo(new[] { "FOLIO112 Column 'name' of 'Db.M' is read by no member of row '(row)' (members: Id)" }));
        Assert.That(Check("SELECT name AS full_name, id FROM author", new Row("Object", "Author", [M("Id", "Int64"), M("FullName", "String")])), Is.Empty,
            "names match ignoring case and underscores, in any order");
        Assert.That(Check("SELECT * FROM author", new Row("Object", "Author", [M("Id", "Int64"), M("Email", "String")])),
            Has.Member("FOLIO111 Member 'Email' of row 'Author' is filled by no column of 'Db.M' (columns: id, name, born, code)"));
    }
}
