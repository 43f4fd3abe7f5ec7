using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;
using Folio.Testing;
using NUnit.Framework;

namespace Folio.Package.Tests;

/// <summary>
/// What a user who installs the packages gets: one PackageReference to Folio brings the attributes,
/// the generated code, the diagnostics and the AllowUnsafeBlocks the generated VFS needs; one to
/// Folio.Redis brings all that and the Redis store; Folio.Cli installs as the <c>folio</c> tool.
/// The packages are packed from this run's build into a folder feed, and fresh projects (and a
/// tool path) outside the repository restore from there. Durations are written to the test output
/// (a few seconds per build or install; the packs are a few more).
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
        TestContext.Progress.WriteLine($"packed {string.Join(", ", PackageFeed.PackageIds)} {_feed.Version} in {clock.Elapsed.TotalSeconds:F1} s");
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

    [TestCase("Folio", "lib/net10.0/Folio.xml")]
    [TestCase("Folio.Redis", "lib/net10.0/Folio.Redis.xml")]
    [TestCase("Folio.Cli", "tools/net10.0/any/Folio.Cli.xml")]
    [TestCase("Folio.Extensions.DependencyInjection", "lib/net10.0/Folio.Extensions.DependencyInjection.xml")]
    public void EachPackageHoldsItsReadmeItsXmlDocumentationAndTheRepositoryMetadata(string id, string documentation)
    {
        using var package = ZipFile.OpenRead(_feed.PackagePathOf(id));
        var entries = package.Entries.Select(e => e.FullName).ToList();
        Assert.That(entries, Does.Contain("README.md"));
        Assert.That(entries, Does.Contain(documentation));
        using (var readme = new StreamReader(package.GetEntry("README.md")!.Open()))
        {
            Assert.That(readme.ReadToEnd(), Does.StartWith($"# {id}\n"));
        }
        using (var xml = package.GetEntry(documentation)!.Open())
        {
            Assert.That(XDocument.Load(xml).Descendants("member"), Is.Not.Empty, "the documentation file has the public API's comments");
        }

        var metadata = Nuspec(package).Descendants().Single(e => e.Name.LocalName == "metadata");
        string? Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
        Assert.That(Value("readme"), Is.EqualTo("README.md"));
        Assert.That(Value("projectUrl"), Is.EqualTo("https://github.com/folio/folio"));
        var repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
        Assert.That(((string?)repository.Attribute("type"), (string?)repository.Attribute("url")), Is.EqualTo(("git", "https://github.com/folio/folio")));
    }

    [Test]
    public void FolioSetsAllowUnsafeBlocksForTheProjectsThatUseIt()
    {
        using var package = ZipFile.OpenRead(_feed.PackagePath);
        using var props = package.GetEntry("buildTransitive/Folio.props")!.Open();
        var allowUnsafe = XDocument.Load(props).Descendants().Single(e => e.Name.LocalName == "AllowUnsafeBlocks");
        Assert.That(allowUnsafe.Value, Is.EqualTo("true"));
        Assert.That((string?)allowUnsafe.Attribute("Condition"), Is.EqualTo("'$(AllowUnsafeBlocks)' == ''"), "a project's own setting wins");
    }

    [Test]
    public void FolioRedisDependsOnThisFolioPackageWithItsGeneratorAndAnalyzers()
    {
        using var package = ZipFile.OpenRead(_feed.PackagePathOf("Folio.Redis"));
        var dependencies = Nuspec(package).Descendants().Where(e => e.Name.LocalName == "dependency").ToList();
        var folio = dependencies.Single(e => (string?)e.Attribute("id") == "Folio");
        Assert.That((string?)folio.Attribute("version"), Is.EqualTo(_feed.Version));
        Assert.That((string?)folio.Attribute("exclude"), Is.Null, "NuGet's default would exclude Build and Analyzers: the generator");
        Assert.That(dependencies.Select(e => (string?)e.Attribute("id")), Does.Contain("StackExchange.Redis"));
    }

    [Test]
    public void AProjectWithOnlyAPackageReferenceBuildsWithoutWarningsAndRunsItsTypedMethods()
    {
        var directory = _feed.CreateProject("Valid", Program + Database.Replace("PAGE_SIZE", "8192", StringComparison.Ordinal));
        Assert.That(File.ReadAllText(Path.Combine(directory, "Valid.csproj")), Does.Not.Contain("AllowUnsafeBlocks"));
        var (code, log) = Build(directory);
        Assert.That(code, Is.EqualTo(0), log);
        Assert.That(log, Does.Contain(" 0 Warning(s)").And.Not.Contain(": warning "), log);

        var (runCode, output) = _feed.Dotnet(directory, Path.Combine("bin", "Debug", "net10.0", "Valid.dll"));
        Assert.That((runCode, output), Is.EqualTo((0, "page size 8192: hello, world\n")));
    }

    [Test]
    public void AWebProjectWithOnlyTheDependencyInjectionPackageRegistersAndChecksItsDatabase()
    {
        const string Web = """
            using Folio;
            using Microsoft.Extensions.Diagnostics.HealthChecks;

            var builder = WebApplication.CreateBuilder(args);
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Services.AddFolioDatabase<NotesDb>(o => o.UseMemoryStore());
            builder.Services.AddHealthChecks().AddFolio();
            var app = builder.Build();
            await app.StartAsync();
            var db = app.Services.GetRequiredService<NotesDb>();
            db.Add("from the host");
            var report = await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
            Console.WriteLine($"{string.Join(", ", db.Texts())}; pooled {db.IsPooled}; {report.Status}");
            await app.StopAsync();

            """;
        var directory = _feed.CreateProject("Web", Web + Database.Replace("PAGE_SIZE", "4096", StringComparison.Ordinal),
            packageId: "Folio.Extensions.DependencyInjection", sdk: "Microsoft.NET.Sdk.Web");
        var (code, log) = Build(directory);
        Assert.That(code, Is.EqualTo(0), log);
        Assert.That(log, Does.Contain(" 0 Warning(s)").And.Not.Contain(": warning "), log);

        var (runCode, output) = _feed.Dotnet(directory, Path.Combine("bin", "Debug", "net10.0", "Web.dll"));
        Assert.That((runCode, output), Is.EqualTo((0, "from the host; pooled True; Healthy\n")));
    }

    [Test]
    public void AnInvalidPageSizeFailsTheBuildWithFolio001()
    {
        var directory = _feed.CreateProject("InvalidPageSize", Program + Database.Replace("PAGE_SIZE", "3000", StringComparison.Ordinal));
        var (code, log) = Build(directory, "-p:EmitCompilerGeneratedFiles=true");
        Assert.That(code, Is.Not.EqualTo(0), log);
        var folio001 = log.Split('\n').Where(l => l.Contains("error FOLIO001:", StringComparison.Ordinal)).Distinct().ToList();
        Assert.That(folio001, Has.Count.EqualTo(1), log);
        Assert.That(folio001[0], Does.Contain("Program.cs(7,27): error FOLIO001: PageSize 3000 of 'NotesDb' is not a power of two from 512 to 65536; nearest valid sizes are 2048 and 4096"));
        Assert.That(folio001[0], Does.Contain("https://github.com/folio/folio/blob/main/docs/rules/FOLIO001.md"));
        Assert.That(Directory.EnumerateFiles(Path.Combine(directory, "obj"), "NotesDb.*.g.cs", SearchOption.AllDirectories), Is.Empty, "nothing is generated");
    }

    [Test]
    public void AProjectWithOnlyFolioRedisBuildsARedisDatabaseGetsTheAnalyzersAndRuns()
    {
        var directory = _feed.CreateProject("WithRedis", """
            using Folio;
            using Folio.Redis;

            if (args.Length > 0)
            {
                using var redis = RedisPageStore.Connect(args[0]);
                using var db = NotesDb.Open(redis, "package-test");
                db.Add("hello");
                Console.WriteLine(db.Count());
            }

            [PagedDatabase]
            [RedisStorage]
            [Migration(1, "CREATE TABLE note(id INTEGER PRIMARY KEY, text TEXT NOT NULL)")]
            public partial class NotesDb
            {
                [Execute("INSERT INTO note(text) VALUES ($text)")]
                public partial int Add(string text);

                [Query("SELECT count(*) FROM note")]
                public partial long Count();

                // Runs, but not as its attribute says: the analyzer's warning FOLIO107.
                [Execute("SELECT count(*) FROM note")]
                public partial int Touch();
            }
            """, packageId: "Folio.Redis");
        var (code, log) = Build(directory);
        Assert.That(code, Is.EqualTo(0), log);
        Assert.That(log, Does.Contain("warning FOLIO107: 'NotesDb.Touch' is marked [Execute] but its statement returns rows (SELECT); mark it [Query]"),
            "the analyzers arrive through Folio.Redis's dependency on Folio");
        Assert.That(log.Split('\n').Where(l => l.Contains(": warning ", StringComparison.Ordinal) && !l.Contains("FOLIO107", StringComparison.Ordinal)), Is.Empty, log);
        using var redis = RedisServer.Start();
        var program = Path.Combine("bin", "Debug", "net10.0", "WithRedis.dll");
        Assert.That(_feed.Dotnet(directory, program, redis.Configuration), Is.EqualTo((0, "1\n")));
        Assert.That(_feed.Dotnet(directory, program, redis.Configuration), Is.EqualTo((0, "2\n")), "the second process finds the first one's row in Redis");
    }

    [Test]
    public void TheFolioToolInstallsFromTheFeedAndPrintsItsUsage()
    {
        var tools = Path.Combine(_feed.Root, "tools");
        var clock = Stopwatch.StartNew();
        var (code, log) = _feed.Dotnet(_feed.Root, "tool", "install", "--tool-path", tools, "--add-source", _feed.FeedDirectory, "Folio.Cli", "--version", _feed.Version);
        TestContext.Progress.WriteLine($"installed Folio.Cli in {clock.Elapsed.TotalSeconds:F1} s (exit code {code})");
        Assert.That(code, Is.EqualTo(0), log);

        var (helpCode, help) = _feed.Run(Path.Combine(tools, "folio"), _feed.Root, isolated: true, "--help");
        Assert.That(helpCode, Is.EqualTo(0), help);
        Assert.That(help, Does.Contain("usage:").And.Contain("folio import <file.db> <store>").And.Contain("folio sql <store>"));
    }

    private static XDocument Nuspec(ZipArchive package)
    {
        using var nuspec = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/', StringComparison.Ordinal)).Open();
        return XDocument.Load(nuspec);
    }

    private (int Code, string Log) Build(string directory, params string[] properties)
    {
        var clock = Stopwatch.StartNew();
        var result = _feed.Dotnet(directory, ["build", "-nodeReuse:false", .. properties]);
        TestContext.Progress.WriteLine($"built {Path.GetFileName(directory)} in {clock.Elapsed.TotalSeconds:F1} s (exit code {result.Code})");
        return result;
    }
}
