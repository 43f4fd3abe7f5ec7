using System.Collections.Immutable;
using System.Linq;
using Folio.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Folio.Analyzers;

/// <summary>
/// Reports every Folio rule (FOLIO001–FOLIO201) on <c>[PagedDatabase]</c> classes and on
/// <c>[Query]</c>/<c>[Execute]</c> methods. Class and method rules come from the generator's own
/// parser, so what is reported here is exactly why the generator skips something; this class adds
/// only what the parser cannot see: typed methods outside a <c>[PagedDatabase]</c> class and a
/// project that does not allow unsafe code.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class FolioAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => DiagnosticDescriptors.All;

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
            var allowsUnsafe = start.Compilation.Options is CSharpCompilationOptions { AllowUnsafe: true };
            start.RegisterSymbolAction(symbol => AnalyzeType(symbol, known, allowsUnsafe), SymbolKind.NamedType);
            start.RegisterSymbolAction(symbol => AnalyzeMethod(symbol, known), SymbolKind.Method);
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, KnownSymbols known, bool allowsUnsafe)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind != TypeKind.Class || !HasAttribute(type, known.PagedDatabaseAttribute))
        {
            return;
        }
        var parser = new FolioGenerator.Parser(known);
        parser.ParseDatabase(type, context.CancellationToken);
        foreach (var diagnostic in parser.Diagnostics)
        {
            context.ReportDiagnostic(diagnostic);
        }
        if (!allowsUnsafe)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnsafeRequired, type.Locations.FirstOrDefault(), type.Name));
        }
    }

    // The parser looks at the methods of [PagedDatabase] classes only; a typed method anywhere
    // else would silently get no body, so it is reported here.
    private static void AnalyzeMethod(SymbolAnalysisContext context, KnownSymbols known)
    {
        var method = (IMethodSymbol)context.Symbol;
        if (method.PartialDefinitionPart is not null)
        {
            return; // an implementation part: its definition is analysed
        }
        var attribute = method.GetAttributes().FirstOrDefault(a =>
            SymbolEqualityComparer.Default.Equals(a.AttributeClass, known.QueryAttribute)
            || SymbolEqualityComparer.Default.Equals(a.AttributeClass, known.ExecuteAttribute));
        if (attribute is null || method.ContainingType is not { } type
            || (type.TypeKind == TypeKind.Class && HasAttribute(type, known.PagedDatabaseAttribute)))
        {
            return;
        }
        var name = attribute.AttributeClass!.Name;
        name = name.Substring(0, name.Length - "Attribute".Length);
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.MethodNotPartial, method.Locations.FirstOrDefault(),
            type.Name + "." + method.Name, $"[{name}] methods belong to a [PagedDatabase] class, and '{type.Name}' is not one"));
    }

    private static bool HasAttribute(ISymbol symbol, INamedTypeSymbol? attribute) =>
        attribute is not null && symbol.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attribute));
}
