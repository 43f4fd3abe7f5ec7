using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Folio.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Folio.Analyzers;

/// <summary>
/// FOLIO101, when the method is not partial: turns it into a partial declaration without a body,
/// which the generator then implements. A method with no accessibility modifier becomes
/// <c>private</c>, as it was, since a partial method with a return value must say it.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(PartialMethodCodeFix)), Shared]
public sealed class PartialMethodCodeFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(DiagnosticDescriptors.MethodNotPartial.Id);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(DiagnosticDescriptors.ReasonProperty, out var reason) || reason != DiagnosticDescriptors.ReasonNotPartial)
            {
                continue; // static, generic, outside a database class…: no single right fix
            }
            var method = root?.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.AncestorsAndSelf().OfType<MethodDeclarationSyntax>().FirstOrDefault();
            if (root is null || method is null)
            {
                continue;
            }
            context.RegisterCodeFix(
                CodeAction.Create($"Make '{method.Identifier.ValueText}' a partial method",
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(method, MakePartial(method)))),
                    "FOLIO101"),
                diagnostic);
        }
    }

    private static MethodDeclarationSyntax MakePartial(MethodDeclarationSyntax method)
    {
        // Drop the body, and the space that separated it from the parameter list.
        var end = method.Body is { } body ? body.GetLastToken() : method.SemicolonToken;
        var declaration = method
            .WithBody(null)
            .WithExpressionBody(null)
            .WithParameterList(method.ParameterList.WithTrailingTrivia())
            .WithSemicolonToken(SyntaxFactory.Token(SyntaxKind.SemicolonToken).WithTrailingTrivia(end.TrailingTrivia));
        if (!Modifiers.HasAccessibility(declaration.Modifiers))
        {
            declaration = (MethodDeclarationSyntax)Modifiers.Append(declaration, SyntaxKind.PrivateKeyword);
        }
        return (MethodDeclarationSyntax)Modifiers.Append(declaration, SyntaxKind.PartialKeyword);
    }
}
