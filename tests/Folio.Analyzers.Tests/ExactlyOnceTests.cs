using System.Collections.Immutable;
using Folio.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using NUnit.Framework;

namespace Folio.Analyzers.Tests;

/// <summary>
/// The generator and the analyzer together, as in a build: every problem is reported exactly once
/// (errors, which make the generator skip something, by the generator; warnings by the analyzer),
/// and everything the generator skips is explained by a Folio diagnostic on it.
/// </summary>
public class ExactlyOnceTests
{
    // One case per rule, each in its own class so a skip can be traced to its reason.
    private const string Source = """
        using System.Collections.Generic;
        using System.Threading;
        using Folio;

        [PagedDatabase(PageSize = 3000)]
        [MemoryStorage]
        public partial class BadPageSize { [Query("SELECT 1")] public partial long One(); }

        [PagedDatabase]
        [MemoryStorage]
        public class NotPartial { }

        public class Outer { [PagedDatabase] [MemoryStorage] public partial class Inner { } }

        [PagedDatabase]
        public partial class NoStorage { [Execute("DELETE FROM t")] public partial void Clear(); }

        [PagedDatabase]
        [MemoryStorage]
        [FileStorage]
        public partial class TwoStorages { }

        [PagedDatabase]
        [PageStorage(typeof(string))]
        public partial class NotAStore { }

        [PagedDatabase]
        [MemoryStorage]
        [Migration(1, "CREATE TABLE a(x)")]
        [Migration(3, "CREATE TABLE b(x)")]
        public partial class Gap { }

        [PagedDatabase]
        [MemoryStorage]
        public partial class Generic<T> { }

        public sealed class Row { public long Id { get; set; } public string? Name { get; set; } }

        [PagedDatabase]
        [MemoryStorage]
        [Migration(1, "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT)")]
        public partial class Methods
        {
            [Query("SELECT id FROM t")] public partial List<Row> Unfilled();
            [Query("SELECT 1")] public long NotPartial() => 1;
            [Query("SELECT name FROM t WHERE id = $missing")] public partial string? Unknown(long present);
            [Execute("DELETE FROM t")] public partial void Unused(long unused);
            [Query("SELECT name FROM t WHERE id = $ids")] public partial string? BadParameter(List<int> ids);
            [Query("SELECT 1")] public partial Dictionary<int, int> BadReturn();
            [Query("SELECT 1; SELECT 2")] public partial long TwoStatements();
            [Execute("SELECT count(*) FROM t")] public partial int Mismatch();
            [Query("SELECT count(*) FROM t")] public partial long Fine(CancellationToken cancellationToken);
        }

        [PagedDatabase]
        [MemoryStorage]
        [Migration(1, "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT)")]
        public partial class AsyncMethods
        {
            [Query("SELECT id FROM t")] public partial System.Threading.Tasks.Task<IEnumerable<long>> StreamInATask();
            [Query("SELECT name FROM t WHERE id = $id")] public partial System.Threading.Tasks.Task<string?> TokenFirst(CancellationToken cancellationToken, long id);
            [Query("SELECT name FROM t WHERE id = $id")] public partial System.Threading.Tasks.Task<string?> FineAsync(long id, CancellationToken cancellationToken);
        }

        public partial class Plain { [Query("SELECT 1")] public partial long Stray(); }
        """;

    private static readonly string[] EveryRule =
        ["FOLIO001", "FOLIO002", "FOLIO003", "FOLIO004", "FOLIO005", "FOLIO006", "FOLIO007", "FOLIO101", "FOLIO102", "FOLIO103", "FOLIO104", "FOLIO105", "FOLIO106", "FOLIO107", "FOLIO108", "FOLIO109"];

    [Test]
    public async Task EveryProblemIsReportedOnceEitherByTheGeneratorOrByTheAnalyzer()
    {
        var (run, all, _) = await Build(Source, allowUnsafe: true);

        var fromGenerator = run.Diagnostics.ToList();
        var fromAnalyzer = all.Where(d => d.Id.StartsWith("FOLIO", StringComparison.Ordinal)).ToList();
        Assert.That(fromGenerator.Select(d => d.Severity), Is.All.EqualTo(DiagnosticSeverity.Error), Describe(fromGenerator));
        Assert.That(fromAnalyzer.Select(d => d.Id), Is.All.AnyOf("FOLIO103", "FOLIO107", "FOLIO108"), Describe(fromAnalyzer));

        var folio = fromGenerator.Concat(fromAnalyzer).ToList();
        var repeated = folio.GroupBy(d => (d.Id, d.Location.SourceSpan))
            .Where(g => g.Count() > 1).Select(g => $"{g.Key.Id} x{g.Count()}: {g.First().GetMessage()}").ToList();
        Assert.That(repeated, Is.Empty);
        // One finding per seeded problem: a rule reported from two places would count twice here.
        var counts = folio.GroupBy(d => d.Id).ToDictionary(g => g.Key, g => g.Count());
        var expected = EveryRule.ToDictionary(id => id, id => id switch
        {
            "FOLIO002" => 2, // NotPartial, and Outer around Inner
            "FOLIO101" => 2, // Methods.NotPartial, Plain.Stray
            "FOLIO103" => 2, // Methods.Unknown's present, Methods.Unused's unused
            "FOLIO109" => 2, // AsyncMethods.StreamInATask, AsyncMethods.TokenFirst
            _ => 1,
        });
        Assert.That(counts, Is.EquivalentTo(expected), Describe(folio));
    }

    [Test]
    public async Task WithoutUnsafeCodeFolio008IsReportedOncePerClass()
    {
        var (run, all, _) = await Build("""
            using Folio;

            [PagedDatabase] [MemoryStorage] public partial class A { }

            [PagedDatabase] [MemoryStorage] public partial class B { }

            public partial class B { }
            """, allowUnsafe: false);
        Assert.That(run.GeneratedSources, Is.Empty);
        Assert.That(all.Where(d => d.Id.StartsWith("FOLIO", StringComparison.Ordinal)), Is.Empty);
        Assert.That(run.Diagnostics.Select(d => $"{d.Id} {d.GetMessage()}").Order(),
            Is.EqualTo(new[] { "FOLIO008 'A' needs <AllowUnsafeBlocks>true</AllowUnsafeBlocks> in the project: its VFS entry points are function pointers",
                               "FOLIO008 'B' needs <AllowUnsafeBlocks>true</AllowUnsafeBlocks> in the project: its VFS entry points are function pointers" }));
    }

    [Test]
    public async Task EverythingTheGeneratorSkipsCarriesAFolioDiagnostic()
    {
        var (run, all, output) = await Build(Source, allowUnsafe: true);
        var tree = output.SyntaxTrees.Single(t => t.FilePath == "Source.cs");
        var model = output.GetSemanticModel(tree);
        var root = await tree.GetRootAsync();
        var folio = run.Diagnostics.Concat(all.Where(d => d.Id.StartsWith("FOLIO", StringComparison.Ordinal))).ToList();
        var generated = run.GeneratedSources.Select(s => s.HintName).ToHashSet();
        var unexplained = new List<string>();

        // A class: skipped exactly when an error lies on it or a type around it, outside its members.
        foreach (var type in root.DescendantNodes().OfType<ClassDeclarationSyntax>().Where(c => HasAttribute(c.AttributeLists, "PagedDatabase")))
        {
            var name = type.Identifier.ValueText;
            var wasGenerated = generated.Any(h => h == name + ".Database.g.cs" || h.EndsWith("." + name + ".Database.g.cs", StringComparison.Ordinal));
            var containers = type.AncestorsAndSelf().OfType<TypeDeclarationSyntax>().ToList();
            var classLevelError = folio.Any(d => d.Severity == DiagnosticSeverity.Error
                && containers.Any(c => c.FullSpan.Contains(d.Location.SourceSpan) && !c.Members.Any(m => m.FullSpan.Contains(d.Location.SourceSpan))));
            if (wasGenerated == classLevelError)
            {
                unexplained.Add(wasGenerated ? $"class {name} was generated despite an error on it" : $"class {name} was skipped without a Folio error on it");
            }
        }

        // A typed method: left without a body only with a Folio diagnostic on it or on its class.
        foreach (var method in root.DescendantNodes().OfType<MethodDeclarationSyntax>()
            .Where(m => HasAttribute(m.AttributeLists, "Query") || HasAttribute(m.AttributeLists, "Execute")))
        {
            var symbol = model.GetDeclaredSymbol(method)!;
            var owner = method.Ancestors().OfType<TypeDeclarationSyntax>().First();
            var explained = folio.Any(d => method.FullSpan.Contains(d.Location.SourceSpan))
                || folio.Any(d => d.Severity == DiagnosticSeverity.Error && owner.FullSpan.Contains(d.Location.SourceSpan) && !owner.Members.Any(m => m.FullSpan.Contains(d.Location.SourceSpan)));
            if (symbol.PartialImplementationPart is null && !explained)
            {
                unexplained.Add($"method {owner.Identifier.ValueText}.{symbol.Name} has no body and no Folio diagnostic");
            }
        }
        Assert.That(unexplained, Is.Empty, Describe(folio));
        Assert.That(generated, Does.Contain("Methods.Queries.g.cs"), "a class with bad methods still gets its good ones");
        Assert.That(folio.Where(d => d.Id == "FOLIO107").Select(d => d.GetMessage()), Has.Exactly(1).Contains("Methods.Mismatch"),
            "a warning does not stop generation");
    }

    private static bool HasAttribute(SyntaxList<AttributeListSyntax> lists, string name) =>
        lists.SelectMany(l => l.Attributes).Any(a => a.Name.ToString() == name);

    private static string Describe(IEnumerable<Diagnostic> diagnostics) =>
        string.Join("\n", diagnostics.Select(d => $"{d.Id} {d.Location.GetLineSpan().StartLinePosition}: {d.GetMessage()}"));

    /// <summary>
    /// Runs the generator, then the compiler and the analyzer on the result, as a build does (a
    /// command-line build stops before the analyzer when the compiler finds a declaration error;
    /// this runs it regardless, the way the editor does, so nothing can hide a duplicate).
    /// </summary>
    private static async Task<(GeneratorRunResult Run, ImmutableArray<Diagnostic> All, Compilation Output)> Build(string source, bool allowUnsafe)
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
        var compilation = CSharpCompilation.Create("Folio.ExactlyOnce",
            [CSharpSyntaxTree.ParseText(source, parseOptions, path: "Source.cs")],
            Verify.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: allowUnsafe));
        var driver = CSharpGeneratorDriver.Create([new FolioGenerator().AsSourceGenerator()], parseOptions: parseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        var run = driver.GetRunResult().Results.Single();
        Assert.That(run.Exception, Is.Null);
        var all = await output.WithAnalyzers([new FolioAnalyzer()]).GetAllDiagnosticsAsync();
        return (run, all, output);
    }
}
