using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;
using NUnit.Framework;

namespace Folio.Package.Tests;

/// <summary>
/// What a user who installs the Folio package gets: one PackageReference brings the attributes,
/// the generated code and the diagnostics. The package is packed from this run's build into a
/// folder feed, and fresh projects outside the repository restore it from there. Durations are
/// written to the test output (a few seconds per build; the pack is a few more).
/// </summary>
[NonParallelizable]
public class PackageTests
{
    private const string Database = """
        [PagedDatabase(PageSize = PAGE_SIZE)]
        [MemoryStorage]
        [Migration(1, "CREATE TABLE note(id INTEGER PRIMARY KEY, text TEXT NOT NULL)")]
        public partial class NotesDb
        {
            [Execute("INSERT INTO note(text) VALUES ($text)")]
            public partial int Add(string text);

            [Query("SELECT text FROM note ORDER BY id")]
            public partial List<string> Texts();

            // Runs, but not as its attribute says: the analyzer's warning FOLIO107.
            [Execute("SELECT count(*) FROM note")]
            public partial int Touch();
        }
        """;

    private const string Program = """
        using Folio;

        using var db = NotesDb.Open("package-test");
        db.Add("hello");
        db.Add("world");
        Console.WriteLine($"page size {NotesDb.PageSize}: {string.Join(", ", db.Texts())}");

        """;

    private PackageFeed _feed = null!;

    [OneTimeSetUp]
    public void Pack()
    {
        var clock = Stopwatch.StartNew();
        _feed = PackageFeed.Create();
        TestContext.Progress.WriteLine($"packed {Path.GetFileName(_feed.PackagePath)} in {clock.Elapsed.TotalSeconds:F1} s");
    }

    [OneTimeTearDown]
    public void Clean() => _feed?.Dispose();

    [Test]
    public void ThePackageHoldsTheRuntimeTheGeneratorAndTheAnalyzersAndNamesItsDependencies()
    {
        using var package = ZipFile.OpenRead(_feed.PackagePath);
        var entries = package.Entries.Select(e => e.FullName).ToList();
        Assert.That(entries, Does.Contain("lib/net10.0/Folio.dll"));
        Assert.That(entries.Where(e => e.StartsWith("analyzers/", StringComparison.Ordinal)), Is.EquivalentTo(new[]
        {
            "analyzers/dotnet/cs/Folio.Generator.dll",
            "analyzers/dotnet/cs/Folio.Analyzers.CodeFixes.dll",
        }));

        using var nuspec = package.Entries.Single(e => e.FullName == "Folio.nuspec").Open();
        var dependencies = XDocument.Load(nuspec).Descendants().Where(e => e.Name.LocalName == "dependency")
            .Select(e => (string)e.Attribute("id")!).ToList();
        Assert.That(dependencies, Is.SupersetOf(new[] { "SQLitePCLRaw.core", "SQLitePCLRaw.provider.e_sqlite3", "SQLitePCLRaw.lib.e_sqlite3" }));
        Assert.That(dependencies, Has.None.StartsWith("Folio"), "the generator and analyzers are inside, not dependencies");
    }

    [Test]
    public void AProjectWithAValidClassBuildsAndRunsItsTypedMethods()
    {
        var directory = _feed.CreateProject("Valid", Program + Database.Replace("PAGE_SIZE", "8192", StringComparison.Ordinal));
        var (code, log) = Build(directory);
        Assert.That(code, Is.EqualTo(0), log);
        Assert.That(Directory.EnumerateFiles(Path.Combine(directory, "obj"), "NotesDb.Queries.g.cs", SearchOption.AllDirectories), Is.Not.Empty, "generated code appears");
        Assert.That(log, Does.Contain("warning FOLIO107: 'NotesDb.Touch' is marked [Execute] but its statement returns rows (SELECT); mark it [Query]"),
            "the analyzer runs too");

        var (runCode, output) = _feed.Dotnet(directory, Path.Combine("bin", "Debug", "net10.0", "Valid.dll"));
        Assert.That((runCode, output), Is.EqualTo((0, "page size 8192: hello, world\n")));
    }

    [Test]
    public void AnInvalidPageSizeFailsTheBuildWithFolio001()
    {
        var directory = _feed.CreateProject("InvalidPageSize", Program + Database.Replace("PAGE_SIZE", "3000", StringComparison.Ordinal));
        var (code, log) = Build(directory);
        Assert.That(code, Is.Not.EqualTo(0), log);
        var folio001 = log.Split('\n').Where(l => l.Contains("error FOLIO001:", StringComparison.Ordinal)).Distinct().ToList();
        Assert.That(folio001, Has.Count.EqualTo(1), log);
        Assert.That(folio001[0], Does.Contain("Program.cs(7,27): error FOLIO001: PageSize 3000 of 'NotesDb' is not a power of two from 512 to 65536; nearest valid sizes are 2048 and 4096"));
        Assert.That(folio001[0], Does.Contain("https://github.com/folio/folio/blob/main/docs/rules/FOLIO001.md"));
        Assert.That(Directory.EnumerateFiles(Path.Combine(directory, "obj"), "NotesDb.*.g.cs", SearchOption.AllDirectories), Is.Empty, "nothing is generated");
    }

    private (int Code, string Log) Build(string directory)
    {
        var clock = Stopwatch.StartNew();
        var result = _feed.Dotnet(directory, "build", "-nodeReuse:false");
        TestContext.Progress.WriteLine($"built {Path.GetFileName(directory)} in {clock.Elapsed.TotalSeconds:F1} s (exit code {result.Code})");
        return result;
    }
}
