using System.Collections.Immutable;
using System.Linq;
using Folio.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Folio.Generator;

/// <summary>
/// Writes, for every <c>[PagedDatabase]</c> class, its native VFS entry points and registration,
/// its <c>Open</c> methods, migrations, transactions and the bodies of its typed methods. This
/// file is the pipeline only: the parser turns symbols into models, the emitter turns models into text.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class FolioGenerator : IIncrementalGenerator
{
    /// <summary>Tracking name of the step that parses each class (tests check it stays cached).</summary>
    public const string ParseStep = "FolioDatabaseSpecs";

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var databases = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownSymbols.PagedDatabaseAttributeName,
                static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax { ClassOrStructKeyword.RawKind: not (int)SyntaxKind.StructKeyword },
                static (context, cancellationToken) => Parse((INamedTypeSymbol)context.TargetSymbol, context.SemanticModel.Compilation, cancellationToken))
            .WithTrackingName(ParseStep);

        // Only the flag is taken from the compilation, so an edit elsewhere leaves this value (and
        // everything combined with it) cached.
        var allowsUnsafe = context.CompilationProvider
            .Select(static (compilation, _) => compilation.Options is CSharpCompilationOptions { AllowUnsafe: true });

        context.RegisterSourceOutput(databases.Collect(), static (context, results) => ReportDuplicateVfsNames(context, results));

        context.RegisterSourceOutput(databases.Combine(allowsUnsafe), static (context, input) =>
        {
            var (result, unsafeAllowed) = input;
            foreach (var diagnostic in result.Diagnostics)
            {
                context.ReportDiagnostic(CreateDiagnostic(diagnostic));
            }
            if (result.Spec is not { } spec)
            {
                return;
            }
            if (!unsafeAllowed)
            {
                context.ReportDiagnostic(CreateDiagnostic(new DiagnosticInfo(DiagnosticDescriptors.UnsafeRequired.Id,
                    new[] { spec.ClassName }.ToEquatableArray(), result.ClassLocation)));
                return;
            }
            context.AddSource(Emitter.DatabaseHintName(spec), SourceText.From(Emitter.EmitDatabase(spec), System.Text.Encoding.UTF8));
            context.AddSource(Emitter.QueriesHintName(spec), SourceText.From(Emitter.EmitQueries(spec), System.Text.Encoding.UTF8));
        });
    }

    // VfsRegistration.Register keeps the first registration of a name, so a second class under the
    // same VFS name would run on the first one's thunks: refuse that at compile time.
    private static void ReportDuplicateVfsNames(SourceProductionContext context, ImmutableArray<ParseResult> results)
    {
        var specs = results.Where(r => r.Spec is not null).OrderBy(r => r.Spec!.FullName, System.StringComparer.Ordinal);
        foreach (var group in specs.GroupBy(r => r.Spec!.VfsName, System.StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            var first = group.First().Spec!;
            foreach (var other in group.Skip(1))
            {
                context.ReportDiagnostic(CreateDiagnostic(new DiagnosticInfo(DiagnosticDescriptors.DuplicateVfsName.Id,
                    new[] { other.Spec!.FullName, group.Key, first.FullName }.ToEquatableArray(), other.ClassLocation)));
            }
        }
    }

    private static ParseResult Parse(INamedTypeSymbol type, Compilation compilation, System.Threading.CancellationToken cancellationToken)
    {
        var parser = new Parser(new KnownSymbols(compilation));
        var spec = parser.ParseDatabase(type, cancellationToken);
        return new ParseResult(spec, parser.Diagnostics.ToEquatableArray(), Parser.ToInfo(type.Locations.FirstOrDefault()));
    }

    internal static Diagnostic CreateDiagnostic(DiagnosticInfo info)
    {
        var location = info.Location is { } l
            ? Location.Create(l.FilePath, new TextSpan(l.Start, l.Length),
                new LinePositionSpan(new LinePosition(l.StartLine, l.StartCharacter), new LinePosition(l.EndLine, l.EndCharacter)))
            : Location.None;
        return Diagnostic.Create(DiagnosticDescriptors.ById[info.Id], location, info.Arguments.Cast<object>().ToArray());
    }

    /// <summary>What parsing one class produced: the model (null when skipped) and the diagnostics saying why.</summary>
    internal sealed record ParseResult(DatabaseSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics, LocationInfo? ClassLocation);
}
