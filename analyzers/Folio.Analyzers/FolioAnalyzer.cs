using System.Collections.Immutable;
using System.Linq;
using Folio.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Folio.Analyzers;

/// <summary>
/// Reports the Folio rules that do not stop generation — FOLIO103 (a parameter the SQL does not
/// use), FOLIO107 (an attribute that does not match its statement) and FOLIO108 (a row property no
/// column fills) — from the generator's own parser, so the findings are exactly the generator's. Every rule that makes the generator skip
/// something is reported by the generator itself (see <see cref="DiagnosticDescriptors"/>).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class FolioAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The rules this analyzer reports; the others are the generator's.</summary>
    public static readonly ImmutableHashSet<string> Reported = ImmutableHashSet.Create(
        DiagnosticDescriptors.UnusedParameter.Id, DiagnosticDescriptors.AttributeMismatch.Id, DiagnosticDescriptors.UnfilledProperty.Id);

    // Every rule is listed, including the generator's: a generator cannot declare its diagnostics,
    // and this list is what the IDE shows under the package's analyzers and lets users configure.
    // The build's SQL check's rules are listed too, so that the IDE shows every Folio rule.
    private static readonly ImmutableArray<DiagnosticDescriptor> Supported = DiagnosticDescriptors.All.AddRange(DiagnosticDescriptors.BuildChecks);

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => Supported;

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var known = new KnownSymbols(start.Compilation);
            if (known.PagedDatabaseAttribute is null)
            {
                return; // not a project that references Folio
            }
            start.RegisterSymbolAction(symbol => AnalyzeType(symbol, known), SymbolKind.NamedType);
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, KnownSymbols known)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind != TypeKind.Class
            || !type.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, known.PagedDatabaseAttribute)))
        {
            return;
        }
        var parser = new FolioGenerator.Parser(known);
        parser.ParseDatabase(type, context.CancellationToken);
        foreach (var diagnostic in parser.Diagnostics.Where(d => Reported.Contains(d.Id)))
        {
            context.ReportDiagnostic(diagnostic);
        }
    }
}
