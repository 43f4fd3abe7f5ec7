using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NUnit.Framework;

namespace Folio.Generator.Tests;

/// <summary>
/// An edit that does not touch a database class must not re-run the generator's work for it:
/// the parse step's outputs stay Cached or Unchanged, and so do the generated files.
/// </summary>
public class IncrementalTests
{
    private const string Database = """
        using System.Collections.Generic;
        using Folio;

        namespace App;

        public sealed record Item(long Id, string Name);

        [PagedDatabase]
        [MemoryStorage]
        [Migration(1, "CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT NOT NULL)")]
        public partial class ItemsDb
        {
            [Query("SELECT id, name FROM item ORDER BY id")]
            public partial List<Item> All();
        }
        """;

    private const string Unrelated = """
        namespace App;

        public static class Arithmetic
        {
            public static int Twice(int x) => x * 2;
        }
        """;

    [Test]
    public void AnUnrelatedEditLeavesEveryStepCached()
    {
        var compilation = GeneratorHarness.Compile(true, Database, Unrelated);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();
        Assert.That(first.GeneratedSources, Has.Length.EqualTo(2));

        var unrelated = compilation.SyntaxTrees.Single(t => t.FilePath == "Source1.cs");
        var edited = unrelated.WithChangedText(unrelated.GetText().Replace(0, 0, "// an edit elsewhere\n"));
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(unrelated, edited));
        var second = driver.GetRunResult().Results.Single();

        var parse = second.TrackedSteps[FolioGenerator.ParseStep].SelectMany(s => s.Outputs).ToList();
        Assert.That(parse, Is.Not.Empty);
        Assert.That(parse.Select(o => o.Reason), Is.All.AnyOf(IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged));
        var outputs = second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).ToList();
        Assert.That(outputs, Is.Not.Empty);
        Assert.That(outputs.Select(o => o.Reason), Is.All.AnyOf(IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged));
    }

    [Test]
    public void AnEditToTheDatabaseClassRegenerates()
    {
        var compilation = GeneratorHarness.Compile(true, Database, Unrelated);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var tree = compilation.SyntaxTrees.Single(t => t.FilePath == "Source0.cs");
        var text = tree.GetText().ToString().Replace("ORDER BY id", "ORDER BY name", StringComparison.Ordinal);
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(text, GeneratorHarness.ParseOptions, "Source0.cs")));
        var result = driver.GetRunResult().Results.Single();
        Assert.That(result.TrackedSteps[FolioGenerator.ParseStep].SelectMany(s => s.Outputs).Select(o => o.Reason), Has.Some.EqualTo(IncrementalStepRunReason.Modified));
        Assert.That(result.GeneratedSources.Single(s => s.HintName.EndsWith("Queries.g.cs", StringComparison.Ordinal)).SourceText.ToString(), Does.Contain("ORDER BY name"));
    }
}
