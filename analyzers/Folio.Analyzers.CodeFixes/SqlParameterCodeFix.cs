using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Folio.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Rename;

namespace Folio.Analyzers;

/// <summary>
/// FOLIO102: renames a method parameter the SQL does not use to the SQL parameter's name (one fix
/// per such parameter; callers passing it by name follow), or adds a <c>string</c> parameter of
/// that name (before a trailing CancellationToken) for the caller to retype.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SqlParameterCodeFix)), Shared]
public sealed class SqlParameterCodeFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(DiagnosticDescriptors.UnknownSqlParameter.Id);

    // Each fix names one parameter of one method, so fix-all has nothing to repeat.
    /// <inheritdoc />
    public override FixAllProvider? GetFixAllProvider() => null;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            var method = root?.FindNode(diagnostic.Location.SourceSpan).AncestorsAndSelf().OfType<MethodDeclarationSyntax>().FirstOrDefault();
            if (method is null
                || !diagnostic.Properties.TryGetValue(DiagnosticDescriptors.ParameterProperty, out var name) || name is null
                || !SyntaxFacts.IsValidIdentifier(name))
            {
                continue; // positional parameters ('?1') have no name to give
            }
            var identifier = SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;
            diagnostic.Properties.TryGetValue(DiagnosticDescriptors.UnusedParametersProperty, out var unused);
            foreach (var candidate in (unused ?? "").Split(new[] { ',' }, System.StringSplitOptions.RemoveEmptyEntries))
            {
                var parameter = method.ParameterList.Parameters.FirstOrDefault(p => p.Identifier.ValueText == candidate);
                if (parameter is not null)
                {
                    context.RegisterCodeFix(
                        CodeAction.Create($"Rename parameter '{candidate}' to '{name}'",
                            ct => RenameAsync(context.Document, parameter, name, ct), $"FOLIO102.Rename.{candidate}.{name}"),
                        diagnostic);
                }
            }
            context.RegisterCodeFix(
                CodeAction.Create($"Add parameter 'string {name}'",
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root!.ReplaceNode(method, AddParameter(method, identifier)))),
                    $"FOLIO102.Add.{name}"),
                diagnostic);
        }
    }

    private static async Task<Solution> RenameAsync(Document document, ParameterSyntax parameter, string name, CancellationToken cancellationToken)
    {
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        var symbol = model?.GetDeclaredSymbol(parameter, cancellationToken);
        if (symbol is null)
        {
            return document.Project.Solution;
        }
        return await Renamer.RenameSymbolAsync(document.Project.Solution, symbol, new SymbolRenameOptions(), name, cancellationToken).ConfigureAwait(false);
    }

    private static MethodDeclarationSyntax AddParameter(MethodDeclarationSyntax method, string identifier)
    {
        var added = SyntaxFactory.Parameter(SyntaxFactory.Identifier(identifier))
            .WithType(SyntaxFactory.PredefinedType(SyntaxFactory.Token(SyntaxKind.StringKeyword)).WithTrailingTrivia(SyntaxFactory.Space));
        var parameters = method.ParameterList.Parameters;
        // A CancellationToken conventionally comes last.
        var last = parameters.LastOrDefault();
        var index = last?.Type is { } type && type.ToString().EndsWith("CancellationToken", System.StringComparison.Ordinal)
            ? parameters.Count - 1
            : parameters.Count;
        var separator = SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space);
        var items = parameters.ToList();
        items.Insert(index, added);
        var list = SyntaxFactory.SeparatedList(items, Enumerable.Repeat(separator, items.Count - 1));
        return method.WithParameterList(method.ParameterList.WithParameters(list));
    }
}
