using System.Collections.Immutable;
using Folio.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Folio.Generator.Tests;

/// <summary>Runs the generator on source text against .NET 10 reference assemblies and the Folio runtime.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly ImmutableArray<MetadataReference> References =
    [
        .. Basic.Reference.Assemblies.Net100.References.All,
        MetadataReference.CreateFromFile(typeof(FolioDatabase).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(SQLitePCL.raw).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(Microsoft.Extensions.Logging.ILogger).Assembly.Location),
    ];

    public static CSharpCompilation Compile(bool allowUnsafe, params string[] sources) =>
        CSharpCompilation.Create(
            "Folio.Generated.Test",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Source{i}.cs")),
            References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: allowUnsafe));

    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            [new FolioGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator; returns its result and the compilation with the generated files added.</summary>
    public static (GeneratorRunResult Result, Compilation Output) Run(string source, bool allowUnsafe = true)
    {
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(Compile(allowUnsafe, source), out var output, out _);
        return (driver.GetRunResult().Results.Single(), output);
    }

    /// <summary>The compiler's errors and warnings on the user code plus the generated code.</summary>
    public static IReadOnlyList<Diagnostic> CompilerProblems(Compilation output) =>
        output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
}
