using System.Collections.Immutable;
using Folio.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace Folio.Analyzers.Tests;

/// <summary>
/// Runs Folio's generator and <see cref="FolioAnalyzer"/> (and a code fix) the way a project sees
/// them: against .NET 10 reference assemblies and the Folio runtime, with unsafe code allowed and
/// nullable enabled. The expected diagnostics are the generator's (errors) and the analyzer's
/// (warnings) together, plus the compiler's errors, so valid code must compile cleanly and the
/// analyzer sees the generated files as it does in a real build.
/// </summary>
internal static class Verify
{
    public static readonly ImmutableArray<MetadataReference> References =
    [
        .. Basic.Reference.Assemblies.Net100.References.All,
        MetadataReference.CreateFromFile(typeof(FolioDatabase).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(SQLitePCL.raw).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(Microsoft.Extensions.Logging.ILogger).Assembly.Location),
    ];

    /// <summary>An expected diagnostic of rule <paramref name="id"/> (severity from its descriptor).</summary>
    public static DiagnosticResult Diagnostic(string id) => new(DiagnosticDescriptors.ById[id]);

    /// <summary>Checks that <paramref name="source"/> produces exactly the marked and <paramref name="expected"/> diagnostics.</summary>
    public static Task Analyzer(string source, params DiagnosticResult[] expected) => Analyzer(source, allowUnsafe: true, expected);

    public static Task Analyzer(string source, bool allowUnsafe, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest { TestCode = source, AllowUnsafe = allowUnsafe };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    /// <summary>
    /// Applies the fix <paramref name="equivalenceKey"/> of <typeparamref name="TFix"/> and checks
    /// the result is <paramref name="fixedSource"/>, which must then compile without errors and
    /// without the fixed diagnostic.
    /// </summary>
    public static Task CodeFix<TFix>(string source, string fixedSource, string equivalenceKey, params DiagnosticResult[] expected)
        where TFix : CodeFixProvider, new() =>
        CodeFix<TFix>(source, fixedSource, equivalenceKey, [], expected);

    public static Task CodeFix<TFix>(string source, string fixedSource, string equivalenceKey, DiagnosticResult[] remaining, params DiagnosticResult[] expected)
        where TFix : CodeFixProvider, new()
    {
        var test = new CodeFixTest<TFix>
        {
            TestCode = source,
            FixedCode = fixedSource,
            CodeActionEquivalenceKey = equivalenceKey,
        };
        test.ExpectedDiagnostics.AddRange(expected);
        test.FixedState.ExpectedDiagnostics.AddRange(remaining);
        return test.RunAsync();
    }

    private static Solution Options(Solution solution, ProjectId projectId, bool allowUnsafe)
    {
        var options = (CSharpCompilationOptions)solution.GetProject(projectId)!.CompilationOptions!;
        return solution.WithProjectCompilationOptions(projectId, options
            .WithAllowUnsafe(allowUnsafe)
            .WithNullableContextOptions(NullableContextOptions.Enable));
    }

    private sealed class AnalyzerTest : CSharpAnalyzerTest<FolioAnalyzer, DefaultVerifier>
    {
        public AnalyzerTest()
        {
            ReferenceAssemblies = new ReferenceAssemblies("net10.0");
            TestState.AdditionalReferences.AddRange(References);
            TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
            SolutionTransforms.Add((solution, projectId) => Options(solution, projectId, AllowUnsafe));
        }

        public bool AllowUnsafe { get; init; } = true;

        protected override IEnumerable<Type> GetSourceGenerators() => [typeof(FolioGenerator)];

        protected override ParseOptions CreateParseOptions() => new CSharpParseOptions(LanguageVersion.Latest);
    }

    private sealed class CodeFixTest<TFix> : CSharpCodeFixTest<FolioAnalyzer, TFix, DefaultVerifier>
        where TFix : CodeFixProvider, new()
    {
        public CodeFixTest()
        {
            ReferenceAssemblies = new ReferenceAssemblies("net10.0");
            TestState.AdditionalReferences.AddRange(References);
            TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
            SolutionTransforms.Add((solution, projectId) => Options(solution, projectId, allowUnsafe: true));
        }

        protected override IEnumerable<Type> GetSourceGenerators() => [typeof(FolioGenerator)];

        protected override ParseOptions CreateParseOptions() => new CSharpParseOptions(LanguageVersion.Latest);
    }
}
