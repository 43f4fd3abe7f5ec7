using System.IO.Compression;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace Folio.Package.Tests;

/// <summary>
/// The build's SQL check as a package user meets it: fresh projects that reference only the Folio
/// package, built with <c>dotnet build</c>, and the exact diagnostics MSBuild prints (rule, file,
/// line, column, message).
/// </summary>
[NonParallelizable]
public class SqlCheckTests
{
    private const string Help = "https://github.com/folio/folio/blob/main/docs/rules/";

    // One statement per rule; nothing else in the project draws a diagnostic.
    private const string BadProgram = """
        using Folio;

        Console.WriteLine("built");

        public sealed record Note(long Id, string Text);

        [PagedDatabase]
        [MemoryStorage]
        [Migration(1, "CREATE TABLE note(id INTEGER PRIMARY KEY, text TEXT NOT NULL, tag TEXT, size BLOB NOT NULL)")]
        [Migration(2, "CREATE TABLE label(id INTEGER PRIMARY KEY, note_id INTEGER NOT NULL, name TEXT NOT NULL)")]
        public partial class BadDb
        {
            [Query("SELECT id, text FROM notes")]
            public partial List<Note> FromMissingTable();

            [Query("SELECT text FROM note")]
            public partial List<(string Text, long Size)> Pairs();

            [Query("SELECT id, text, tag FROM note")]
            public partial List<Note> WithTag();

            [Query("SELECT text FROM note WHERE id = $id(1)")]
            public partial string? TextOf(long id);

            [Query("SELECT size FROM note")]
            public partial List<long> Sizes();

            [Query("SELECT tag FROM note")]
            public partial List<string> Tags();

            [Query("SELECT note.text AS text, label.name AS name FROM note LEFT JOIN label ON label.note_id = note.id")]
            public partial List<(string Text, string Name)> Labels();

            [Query("SELECT max(id) AS top FROM note")]
            public partial long Top();
        }
        """;

    private PackageFeed _feed = null!;

    [OneTimeSetUp]
    public void UseTheFeed() => _feed = PackedFeed.Feed;

    [Test]
    public void ThePackageCarriesTheCheckAndTheTargetsThatRunIt()
    {
        using var package = ZipFile.OpenRead(_feed.PackagePath);
        var entries = package.Entries.Select(e => e.FullName).ToList();
        Assert.That(entries.Where(e => e.StartsWith("tools/", StringComparison.Ordinal)), Is.EquivalentTo(new[]
        {
            "tools/sqlcheck/Folio.SqlCheck.dll", "tools/sqlcheck/Folio.SqlCheck.runtimeconfig.json", "tools/sqlcheck/Folio.SqlCheck.deps.json",
        }));
        Assert.That(entries, Does.Contain("buildTransitive/Folio.targets"));
    }

    [Test]
    public void EachRuleFailsOrWarnsAtItsSqlWithItsMessage()
    {
        var directory = _feed.CreateProject("BadSql", BadProgram);
        var (code, log) = _feed.Build(directory);
        Assert.That(code, Is.Not.EqualTo(0), log);
        var at = Sites(directory, BadProgram);
        Assert.That(Diagnostics(log), Is.EquivalentTo(new[]
        {
            at("SELECT id, text FROM notes") + Error("FOLIO110", "SQL of 'BadDb.FromMissingTable' does not prepare: no such table: notes"),
            at("SELECT text FROM note\"") + Error("FOLIO111", "Member 'Size' of row '(string Text, long Size)' is filled by no column of 'BadDb.Pairs' (columns: text)"),
            at("SELECT id, text, tag FROM note") + Warning("FOLIO112", "Column 'tag' of 'BadDb.WithTag' is read by no member of row 'Note' (members: Id, Text)"),
            at("SELECT text FROM note WHERE id = $id(1)") + Error("FOLIO113", "SQLite reads SQL parameter '$id(1)' in 'BadDb.TextOf', and no method parameter binds it (the method binds $id)"),
            at("SELECT size FROM note") + Warning("FOLIO114", "Column 'size' of 'BadDb.Sizes' is declared BLOB (BLOB affinity) and member 'value' is long: an integer member reads BLOB values as 0 unless they look like numbers"),
            at("SELECT tag FROM note\"") + Warning("FOLIO115", "Column 'tag' of 'BadDb.Tags' can be NULL (note.tag is not declared NOT NULL) and fills member 'value' (string), which is not nullable"),
            at("LEFT JOIN label") + Warning("FOLIO115", "Column 'name' of 'BadDb.Labels' can be NULL (label is on the nullable side of an outer join) and fills member 'Name' (string), which is not nullable"),
            at("SELECT max(id) AS top FROM note") + Warning("FOLIO115", "Column 'top' of 'BadDb.Top' can be NULL (it is NULL when the statement runs over the migrated tables, as an aggregate over no rows is) and fills member 'value' (long), which is not nullable"),
        }), log);

        // The project's warning settings apply as they do to the compiler's warnings.
        var (strictCode, strict) = _feed.Build(directory, "-p:TreatWarningsAsErrors=true", "-p:WarningsNotAsErrors=FOLIO112", "-p:NoWarn=FOLIO114");
        Assert.That(strictCode, Is.Not.EqualTo(0), strict);
        var kinds = Diagnostics(strict).Select(l => Regex.Match(l, @": (error|warning) (FOLIO\d+):").Groups).Select(g => g[1].Value + " " + g[2].Value);
        Assert.That(kinds, Is.EquivalentTo(new[]
        {
            "error FOLIO110", "error FOLIO111", "warning FOLIO112", "error FOLIO113", "error FOLIO115", "error FOLIO115", "error FOLIO115",
        }), strict);
    }

    [Test]
    public void AProjectThatTurnsTheCheckOffBuildsTheSameSqlWithoutItsDiagnosticsOrModel()
    {
        var directory = _feed.CreateProject("SqlCheckOff", BadProgram, properties: "<FolioValidateSql>false</FolioValidateSql>");
        var (code, log) = _feed.Build(directory);
        Assert.That(code, Is.EqualTo(0), log);
        Assert.That(Diagnostics(log), Is.Empty, log);
        var assembly = File.ReadAllBytes(Path.Combine(directory, "bin", "Debug", "net10.0", "SqlCheckOff.dll"));
        Assert.That(System.Text.Encoding.UTF8.GetString(assembly), Does.Not.Contain("Folio.SqlModel"), "the generator writes no model when the check is off");
    }

    [Test]
    public void AMigrationThatRenamesAColumnFailsTheQueriesThatStillUseTheOldName()
    {
        const string program = """
            using Folio;

            Console.WriteLine("built");

            [PagedDatabase]
            [MemoryStorage]
            [Migration(1, "CREATE TABLE note(id INTEGER PRIMARY KEY, text TEXT NOT NULL)")]
            [Migration(2, "ALTER TABLE note RENAME COLUMN text TO body")]
            public partial class RenamedDb
            {
                [Query("SELECT body FROM note ORDER BY id")]
                public partial List<string> Bodies();

                [Query("SELECT text FROM note ORDER BY id")]
                public partial List<string> Texts();
            }
            """;
        var directory = _feed.CreateProject("RenamedColumn", program);
        var (code, log) = _feed.Build(directory);
        Assert.That(code, Is.Not.EqualTo(0), log);
        Assert.That(Diagnostics(log), Is.EqualTo(new[]
        {
            Sites(directory, program)("SELECT text FROM note") + Error("FOLIO110", "SQL of 'RenamedDb.Texts' does not prepare: no such column: text"),
        }), log);
    }

    [Test]
    public void AValidClassBuildsWithoutDiagnosticsAndTheCheckIsSkippedWhenNothingChanged()
    {
        const string program = """
            using Folio;

            using var db = ShopDb.Open("sql-check");
            Console.WriteLine(db.Orders().Count);

            public sealed record Order(long Id, string Customer, string? Note, double Total);

            [PagedDatabase]
            [MemoryStorage]
            [Migration(1, "CREATE TABLE customer(id INTEGER PRIMARY KEY, name TEXT NOT NULL)")]
            [Migration(2, "CREATE TABLE purchase(id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, note TEXT, total REAL NOT NULL)")]
            public partial class ShopDb
            {
                [Execute("INSERT INTO purchase(customer_id, note, total) VALUES ($customer, $note, $total)")]
                public partial int Add(long customer, string? note, double total);

                [Query("SELECT p.id, c.name AS customer, p.note, p.total FROM purchase p JOIN customer c ON c.id = p.customer_id")]
                public partial List<Order> Orders();

                [Query("SELECT c.name, p.total FROM customer c LEFT JOIN purchase p ON p.customer_id = c.id")]
                public partial List<(string Name, double? Total)> Totals();

                [Query("SELECT coalesce(sum(total), 0) AS spent, count(*) AS orders FROM purchase WHERE customer_id = $customer")]
                public partial (double Spent, long Orders) Spent(long customer);
            }
            """;
        var directory = _feed.CreateProject("ValidSql", program);
        var (code, log) = _feed.Build(directory);
        Assert.That(code, Is.EqualTo(0), log);
        Assert.That(Diagnostics(log), Is.Empty, log);
        Assert.That(log, Does.Contain(" 0 Warning(s)"), log);

        var (again, detailed) = _feed.Build(directory, "-v:n");
        Assert.That(again, Is.EqualTo(0), detailed);
        Assert.That(detailed, Does.Contain("Skipping target \"FolioValidateSql\" because all output files are up-to-date"), detailed);
    }

    /// <summary>Every distinct error and warning line of a build log, without the project MSBuild appends.</summary>
    private static List<string> Diagnostics(string log) =>
        log.Split('\n').Where(l => Regex.IsMatch(l, @": (error|warning) [A-Z]+\d+:"))
            .Select(l => Regex.Replace(l.Trim(), @" \[[^\]]*\.csproj\]$", "")).Distinct().ToList();

    /// <summary>Where the SQL literal on the line holding <c>text</c> starts, as MSBuild prints it: <c>path(line,column)</c>.</summary>
    private static Func<string, string> Sites(string directory, string program) => text =>
    {
        var lines = program.Split('\n');
        var index = Array.FindIndex(lines, l => l.Contains(text, StringComparison.Ordinal));
        Assert.That(index, Is.GreaterThanOrEqualTo(0), text);
        Assert.That(Array.FindLastIndex(lines, l => l.Contains(text, StringComparison.Ordinal)), Is.EqualTo(index), $"'{text}' is on one line only");
        var column = lines[index].IndexOf('"', StringComparison.Ordinal) + 1;
        return $"{Path.Combine(directory, "Program.cs")}({index + 1},{column})";
    };

    private static string Error(string id, string message) => $": error {id}: {message} ({Help}{id}.md)";

    private static string Warning(string id, string message) => $": warning {id}: {message} ({Help}{id}.md)";
}
