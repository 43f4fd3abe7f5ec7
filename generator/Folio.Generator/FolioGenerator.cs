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

        // Diagnostics are the analyzer's (see DiagnosticDescriptors): it runs the same parser and
        // reports why a class or method was skipped here, so the generator itself stays quiet.
        context.RegisterSourceOutput(databases.Combine(allowsUnsafe), static (context, input) =>
        {
            var (spec, unsafeAllowed) = input;
            if (spec is null || !unsafeAllowed)
            {
                return; // reported by the analyzer (the parser's findings, or FOLIO008)
            }
            context.AddSource(Emitter.DatabaseHintName(spec), SourceText.From(Emitter.EmitDatabase(spec), System.Text.Encoding.UTF8));
            context.AddSource(Emitter.QueriesHintName(spec), SourceText.From(Emitter.EmitQueries(spec), System.Text.Encoding.UTF8));
        });
    }

    private static DatabaseSpec? Parse(INamedTypeSymbol type, Compilation compilation, System.Threading.CancellationToken cancellationToken) =>
        new Parser(new KnownSymbols(compilation)).ParseDatabase(type, cancellationToken);
}
