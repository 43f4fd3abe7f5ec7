using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using NUnit.Framework;

namespace Folio.Generator.Tests;

/// <summary>
/// The SQL model the generator writes for the build's SQL check: only when the build asks for it
/// (build_property.FolioValidateSql), with every statement's SQL, bindings, row members and the
/// place of its SQL relative to the project.
/// </summary>
public class SqlModelTests
{
    private const string Source = """
        using System.Collections.Generic;
        using Folio;

        public sealed class Summary
        {
            public long Id { get; set; }
            public string Text { get; set; } = "";
            public int Words { get; set; }
        }

        [PagedDatabase]
        [MemoryStorage]
        [Migration(1, "CREATE TABLE note(id INTEGER PRIMARY KEY, text TEXT NOT NULL)")]
        public partial class NotesDb
        {
            [Query("SELECT id, text FROM note WHERE text = $text")]
            public partial List<Summary> Find(string? text, System.Threading.CancellationToken cancellationToken);

            [Execute("DELETE FROM note")]
            public partial void Clear();

            [Query("DELETE FROM note")]
            public partial long Gone();
        }
        """;

    [Test]
    public void TheModelHoldsTheMigrationsAndEachStatementWithWhereItsSqlIsWritten()
    {
        var model = Model(Run(Source, ("build_property.FolioValidateSql", "true"), ("build_property.MSBuildProjectDirectory", "/project")));
        Assert.That(model, Is.Not.Null);
        var root = model!.RootElement;
        Assert.That(root.GetProperty("class").GetString(), Is.EqualTo("NotesDb"));
        var migration = root.GetProperty("migrations")[0];
        Assert.That((migration.GetProperty("version").GetInt32(), migration.GetProperty("file").GetString(), migration.GetProperty("line").GetInt32(), migration.GetProperty("column").GetInt32()),
            Is.EqualTo((1, "Data/Notes.cs", 13, 15)));

        var find = root.GetProperty("statements")[0];
        Assert.That(find.GetProperty("method").GetString(), Is.EqualTo("NotesDb.Find"));
        Assert.That((find.GetProperty("line").GetInt32(), find.GetProperty("column").GetInt32()), Is.EqualTo((16, 12)));
        Assert.That(find.GetProperty("parameters").EnumerateArray().Select(p => p.GetString()), Is.EqualTo(new[] { "text" }), "the token is not bound");
        var binding = find.GetProperty("bindings")[0];
        Assert.That((binding.GetProperty("token").GetString(), binding.GetProperty("parameter").GetString(), binding.GetProperty("kind").GetString(), binding.GetProperty("nullable").GetBoolean()),
            Is.EqualTo(("$text", "text", "String", true)));
        var row = find.GetProperty("row");
        Assert.That(row.GetProperty("kind").GetString(), Is.EqualTo("Object"));
        Assert.That(row.GetProperty("members").EnumerateArray().Select(m => (m.GetProperty("name").GetString(), m.GetProperty("type").GetString(), m.GetProperty("nullable").GetBoolean())),
            Is.EqualTo(new[] { ("Id", "long", false), ("Text", "string", false) }), "Words, which no column of the text fills, is left out (FOLIO108)");
        Assert.That(find.GetProperty("columnsReported").GetBoolean(), Is.True);

        var clear = root.GetProperty("statements")[1];
        Assert.That(clear.TryGetProperty("row", out _), Is.False);
        Assert.That(clear.TryGetProperty("columnsReported", out _), Is.False);

        // FOLIO107 ([Query] on a statement without rows) was reported: the check leaves the row alone.
        Assert.That(root.GetProperty("statements")[2].GetProperty("noRowsReported").GetBoolean(), Is.True);
        Assert.That(find.TryGetProperty("noRowsReported", out _), Is.False);
    }

    [Test]
    public void WithoutTheBuildAskingForItNoModelIsWritten()
    {
        Assert.That(Model(Run(Source)), Is.Null);
        Assert.That(Model(Run(Source, ("build_property.FolioValidateSql", "false"))), Is.Null);
    }

    [Test]
    public void MovingTheClassMovesTheModelsPlacesAndLeavesTheGeneratedCodeAsItWas()
    {
        var options = new Options([("build_property.FolioValidateSql", "true"), ("build_property.MSBuildProjectDirectory", "/project")]);
        var compilation = Compilation(Source);
        var driver = GeneratorHarness.CreateDriver().WithUpdatedAnalyzerConfigOptions(options).RunGenerators(compilation);
        var tree = compilation.SyntaxTrees.Single();
        var moved = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From("// moved\n" + Source)));
        var result = driver.RunGenerators(moved).GetRunResult().Results.Single();

        var model = Model(result);
        Assert.That(model!.RootElement.GetProperty("statements")[0].GetProperty("line").GetInt32(), Is.EqualTo(17));
        Assert.That(result.GeneratedSources.Select(s => s.HintName), Is.SupersetOf(new[] { "NotesDb.Database.g.cs", "NotesDb.Queries.g.cs", "NotesDb.SqlModel.g.cs" }));
        Assert.That(result.TrackedSteps[FolioGenerator.CodeStep].SelectMany(s => s.Outputs).Select(o => o.Reason),
            Is.All.AnyOf(IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged), "the generated code is not written again");
        Assert.That(result.TrackedSteps[FolioGenerator.SqlModelStep].SelectMany(s => s.Outputs).Select(o => o.Reason), Is.EqualTo(new[] { IncrementalStepRunReason.Modified }));
    }

    private static CSharpCompilation Compilation(string source) =>
        GeneratorHarness.Compile(true).AddSyntaxTrees(CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions, path: "/project/Data/Notes.cs"));

    private static GeneratorRunResult Run(string source, params (string Key, string Value)[] options)
    {
        var driver = GeneratorHarness.CreateDriver().WithUpdatedAnalyzerConfigOptions(new Options(options));
        return driver.RunGenerators(Compilation(source)).GetRunResult().Results.Single();
    }

    // The JSON in the model file's AssemblyMetadata attribute, or null when there is no model file.
    private static JsonDocument? Model(GeneratorRunResult result)
    {
        var file = result.GeneratedSources.SingleOrDefault(s => s.HintName.EndsWith(".SqlModel.g.cs", StringComparison.Ordinal));
        if (file.SourceText is null)
        {
            return null;
        }
        var attribute = CSharpSyntaxTree.ParseText(file.SourceText).GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.AttributeSyntax>().Single();
        var arguments = attribute.ArgumentList!.Arguments.Select(a => ((Microsoft.CodeAnalysis.CSharp.Syntax.LiteralExpressionSyntax)a.Expression).Token.ValueText).ToList();
        Assert.That(arguments[0], Is.EqualTo("Folio.SqlModel"));
        return JsonDocument.Parse(arguments[1]);
    }

    private sealed class Options((string Key, string Value)[] values) : AnalyzerConfigOptionsProvider
    {
        private readonly Config _global = new(values.ToImmutableDictionary(v => v.Key, v => v.Value));

        public override AnalyzerConfigOptions GlobalOptions => _global;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Config.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Config.Empty;
    }

    private sealed class Config(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public static readonly Config Empty = new(ImmutableDictionary<string, string>.Empty);

        public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
    }
}
