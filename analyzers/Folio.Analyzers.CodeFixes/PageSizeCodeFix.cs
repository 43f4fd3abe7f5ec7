using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Folio.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Folio.Analyzers;

/// <summary>FOLIO001: replaces an invalid page size with a valid neighbour, one fix per neighbour.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(PageSizeCodeFix)), Shared]
public sealed class PageSizeCodeFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(DiagnosticDescriptors.InvalidPageSize.Id);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax value
                || value.Parent is not AttributeArgumentSyntax
                || !diagnostic.Properties.TryGetValue(DiagnosticDescriptors.ValidSizesProperty, out var sizes) || sizes is null)
            {
                continue;
            }
            var choices = sizes.Split(',');
            for (var i = 0; i < choices.Length; i++)
            {
                var size = int.Parse(choices[i], System.Globalization.CultureInfo.InvariantCulture);
                // Fix-all applies the same choice everywhere: the smaller or the larger neighbour.
                var key = choices.Length == 1 ? "FOLIO001.Nearest" : i == 0 ? "FOLIO001.Smaller" : "FOLIO001.Larger";
                context.RegisterCodeFix(
                    CodeAction.Create($"Use page size {choices[i]}", _ => Task.FromResult(Replace(context.Document, root, value, size)), key),
                    diagnostic);
            }
        }
    }

    private static Document Replace(Document document, SyntaxNode root, ExpressionSyntax value, int size)
    {
        var literal = SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(size)).WithTriviaFrom(value);
        return document.WithSyntaxRoot(root.ReplaceNode(value, literal));
    }
}
