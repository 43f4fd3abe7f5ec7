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

    /// <summary>Tracking name of what the generated code of each class is written from (tests check a move leaves it cached).</summary>
    public const string CodeStep = "FolioCode";

    /// <summary>Tracking name of what each class's SQL model is written from.</summary>
    public const string SqlModelStep = "FolioSqlModels";

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

        context.RegisterSourceOutput(databases.Collect().Combine(context.CompilationProvider),
            static (context, input) => ReportDuplicateVfsNames(context, input.Left, input.Right));

        // Only the model reaches the emitter, so an edit that merely moves the class (and so its
        // diagnostics' positions) does not write the files again.
        var specs = databases.Select(static (result, _) => result.Spec);
        context.RegisterSourceOutput(specs.Combine(allowsUnsafe).WithTrackingName(CodeStep), static (context, input) =>
        {
            var (spec, unsafeAllowed) = input;
            if (spec is null || !unsafeAllowed)
            {
                return; // the reasons are reported below
            }
            context.AddSource(Emitter.DatabaseHintName(spec), SourceText.From(Emitter.EmitDatabase(spec), System.Text.Encoding.UTF8));
            context.AddSource(Emitter.QueriesHintName(spec), SourceText.From(Emitter.EmitQueries(spec), System.Text.Encoding.UTF8));
        });

        // The SQL model the build's SQL check reads from the compiled assembly, only when the Folio
        // build targets ask for it (FolioValidateSql, which they turn on by default). It holds where
        // each SQL text is written, so it follows moves that leave the generated code above cached.
        var sqlCheck = context.AnalyzerConfigOptionsProvider.Select(static (options, _) =>
            options.GlobalOptions.TryGetValue("build_property.FolioValidateSql", out var on) && string.Equals(on, "true", System.StringComparison.OrdinalIgnoreCase)
                ? (options.GlobalOptions.TryGetValue("build_property.MSBuildProjectDirectory", out var directory) ? directory : "")
                : null);
        var models = databases.Select(static (result, _) => (result.Spec, result.Sites)).Combine(sqlCheck).Combine(allowsUnsafe).WithTrackingName(SqlModelStep);
        context.RegisterSourceOutput(models, static (context, input) =>
        {
            var (((spec, sites), projectDirectory), unsafeAllowed) = input;
            if (spec is not null && unsafeAllowed && projectDirectory is not null)
            {
                context.AddSource(Emitter.SqlModelHintName(spec), SourceText.From(Emitter.EmitSqlModel(spec, sites, projectDirectory), System.Text.Encoding.UTF8));
            }
        });

        // Why something was skipped is reported here, not by the analyzer: a skipped typed method
        // has no body, and on a command-line build the compiler stops at that declaration error
        // (CS8795) before it runs any analyzer, but after it has reported what generators said.
        // See DiagnosticDescriptors for who reports what. Reporting needs the compilation to turn
        // the models' positions back into source locations; it is cheap, and emitting above stays cached.
        var reasons = databases
            .Select(static (result, _) => new SkipReasons(result.Errors, result.Spec is null ? null : result.ClassLocation))
            .Combine(allowsUnsafe)
            .Combine(context.CompilationProvider);
        context.RegisterSourceOutput(reasons, static (context, input) =>
        {
            var ((reasons, unsafeAllowed), compilation) = input;
            foreach (var error in reasons.Errors)
            {
                context.ReportDiagnostic(CreateDiagnostic(error, compilation));
            }
            if (!unsafeAllowed && reasons.GeneratedClassLocation is { } location)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnsafeRequired, ToLocation(location, compilation), location.ClassName));
            }
        });

        // The runtime's general VFS asks for the thunk table alone, so that its slots and the
        // database classes' come from the one list in the emitter.
        var vfsOnly = context.SyntaxProvider.ForAttributeWithMetadataName(KnownSymbols.VfsThunksAttributeName,
            static (node, _) => node is ClassDeclarationSyntax,
            static (context, _) => Parser.ParseVfsThunks((INamedTypeSymbol)context.TargetSymbol, context.Attributes[0]));
        context.RegisterSourceOutput(vfsOnly.Where(static s => s is not null), static (context, spec) =>
            context.AddSource(Emitter.VfsHintName(spec!), SourceText.From(Emitter.EmitVfsOnly(spec!), System.Text.Encoding.UTF8)));

        // A typed method outside a [PagedDatabase] class gets no body either. A method with both
        // attributes is reported once, by the [Query] pipeline.
        var strayQueries = context.SyntaxProvider.ForAttributeWithMetadataName(KnownSymbols.QueryAttributeName,
            static (node, _) => node is MethodDeclarationSyntax,
            static (context, _) => Parser.CheckStrayMethod((IMethodSymbol)context.TargetSymbol, "Query"));
        var strayExecutes = context.SyntaxProvider.ForAttributeWithMetadataName(KnownSymbols.ExecuteAttributeName,
            static (node, _) => node is MethodDeclarationSyntax,
            static (context, _) => HasAttribute(context.TargetSymbol, KnownSymbols.QueryAttributeName) ? null : Parser.CheckStrayMethod((IMethodSymbol)context.TargetSymbol, "Execute"));
        foreach (var strays in new[] { strayQueries, strayExecutes })
        {
            context.RegisterSourceOutput(strays.Where(static s => s is not null).Combine(context.CompilationProvider), static (context, input) =>
                context.ReportDiagnostic(CreateDiagnostic(input.Left!, input.Right)));
        }
    }

    // VfsRegistration.Register keeps the first registration of a name, so a second class under the
    // same VFS name would run on the first one's thunks: refuse that at compile time.
    private static void ReportDuplicateVfsNames(SourceProductionContext context, ImmutableArray<ParseResult> results, Compilation compilation)
    {
        var specs = results.Where(r => r.Spec is not null).OrderBy(r => r.Spec!.FullName, System.StringComparer.Ordinal);
        foreach (var group in specs.GroupBy(r => r.Spec!.VfsName, System.StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            var first = group.First().Spec!;
            foreach (var other in group.Skip(1))
            {
                var location = other.ClassLocation is { } l ? ToLocation(l, compilation) : Location.None;
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DuplicateVfsName, location, other.Spec!.FullName, group.Key, first.FullName));
            }
        }
    }

    private static ParseResult Parse(INamedTypeSymbol type, Compilation compilation, System.Threading.CancellationToken cancellationToken)
    {
        var parser = new Parser(new KnownSymbols(compilation));
        var spec = parser.ParseDatabase(type, cancellationToken);
        // Warnings do not stop generation; the analyzer reports them.
        var errors = parser.Findings.Where(f => DiagnosticDescriptors.ById[f.Id].DefaultSeverity == DiagnosticSeverity.Error);
        var location = type.Locations.FirstOrDefault();
        var classLocation = location is { IsInSource: true }
            ? new ClassLocationInfo(location.SourceTree?.FilePath ?? "", location.SourceSpan.Start, location.SourceSpan.Length, type.Name)
            : null;
        return new ParseResult(spec, errors.ToEquatableArray(), classLocation, parser.Sites.ToEquatableArray());
    }

    private static bool HasAttribute(ISymbol symbol, string attribute) =>
        symbol.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == attribute);

    private static Diagnostic CreateDiagnostic(DiagnosticInfo info, Compilation compilation)
    {
        var properties = ImmutableDictionary.CreateBuilder<string, string?>();
        for (var i = 0; i + 1 < info.Properties.Count; i += 2)
        {
            properties[info.Properties[i]] = info.Properties[i + 1];
        }
        var location = info.Location is { } l ? ToLocation(new ClassLocationInfo(l.FilePath, l.Start, l.Length, ""), compilation) : Location.None;
        return Diagnostic.Create(DiagnosticDescriptors.ById[info.Id], location, properties.ToImmutable(), info.Arguments.Cast<object>().ToArray());
    }

    private static Location ToLocation(ClassLocationInfo location, Compilation compilation)
    {
        var tree = compilation.SyntaxTrees.FirstOrDefault(t => t.FilePath == location.FilePath);
        return tree is null ? Location.None : Location.Create(tree, new TextSpan(location.Start, location.Length));
    }

    /// <summary>
    /// What parsing one class produced: the model (null when skipped), the errors saying why
    /// anything was skipped, where the class is (for FOLIO008) and where its SQL texts are (for the SQL model).
    /// </summary>
    internal sealed record ParseResult(DatabaseSpec? Spec, EquatableArray<DiagnosticInfo> Errors, ClassLocationInfo? ClassLocation, EquatableArray<SqlSite> Sites);

    /// <summary>A class's name and where it is declared.</summary>
    internal sealed record ClassLocationInfo(string FilePath, int Start, int Length, string ClassName);

    /// <summary>The errors of one class, and where it is when code would be generated for it (for FOLIO008).</summary>
    internal sealed record SkipReasons(EquatableArray<DiagnosticInfo> Errors, ClassLocationInfo? GeneratedClassLocation);
}
