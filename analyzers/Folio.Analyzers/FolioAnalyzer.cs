using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Folio.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
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
        ReportIfContainerNotPartial(context, type, known);
        if (type.TypeKind != TypeKind.Class || !HasAttribute(type, known.PagedDatabaseAttribute))
        {
            return;
        }
        var parser = new FolioGenerator.Parser(known);
        parser.ParseDatabase(type, context.CancellationToken);
        foreach (var diagnostic in parser.Diagnostics)
        {
            // A containing type that is not partial is reported by that type's own analysis
            // (below), where the editor shows it and a fix can reach it.
            if (diagnostic.Id == DiagnosticDescriptors.NotPartial.Id && !IsIn(diagnostic.Location, type))
            {
                continue;
            }
            context.ReportDiagnostic(diagnostic);
        }
        if (!allowsUnsafe)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnsafeRequired, type.Locations.FirstOrDefault(), type.Name));
        }
    }

    // FOLIO002 for a type that is not partial and holds a database class: what the parser reports
    // while parsing that class (same message), up to a generic type, where the parser stops with FOLIO007.
    private static void ReportIfContainerNotPartial(SymbolAnalysisContext context, INamedTypeSymbol container, KnownSymbols known)
    {
        if (container.IsGenericType || IsPartial(container))
        {
            return;
        }
        var database = NestedDatabases(container, known).FirstOrDefault();
        if (database is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NotPartial, container.Locations.FirstOrDefault(), container.Name,
                $"the generated members of the database class '{database.Name}' nested in it"));
        }
    }

    private static IEnumerable<INamedTypeSymbol> NestedDatabases(INamedTypeSymbol container, KnownSymbols known)
    {
        foreach (var nested in container.GetTypeMembers())
        {
            if (nested.TypeKind == TypeKind.Class && HasAttribute(nested, known.PagedDatabaseAttribute))
            {
                yield return nested;
            }
            if (!nested.IsGenericType)
            {
                foreach (var deeper in NestedDatabases(nested, known))
                {
                    yield return deeper;
                }
            }
        }
    }

    private static bool IsPartial(INamedTypeSymbol type) =>
        type.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is TypeDeclarationSyntax d && d.Modifiers.Any(SyntaxKind.PartialKeyword));

    private static bool IsIn(Location location, ISymbol symbol) =>
        symbol.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == location.SourceTree && r.Span.Contains(location.SourceSpan));

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
