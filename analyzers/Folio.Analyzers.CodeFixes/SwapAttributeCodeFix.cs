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

namespace Folio.Analyzers;

/// <summary>
/// FOLIO107: swaps <c>[Query]</c> and <c>[Execute]</c>. Going to <c>[Execute]</c>, a return type
/// other than <c>void</c> or <c>int</c> becomes <c>int</c> (the rows changed), the only other
/// thing an <c>[Execute]</c> method can return; going to <c>[Query]</c>, the return type stays for
/// the author to choose (FOLIO105 points at it if it cannot hold rows).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SwapAttributeCodeFix)), Shared]
public sealed class SwapAttributeCodeFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(DiagnosticDescriptors.AttributeMismatch.Id);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            var attribute = root?.FindNode(diagnostic.Location.SourceSpan).AncestorsAndSelf().OfType<AttributeSyntax>().FirstOrDefault();
            if (attribute is null
                || !diagnostic.Properties.TryGetValue(DiagnosticDescriptors.ExpectedAttributeProperty, out var expected)
                || expected is not ("Query" or "Execute"))
            {
                continue;
            }
            context.RegisterCodeFix(
                CodeAction.Create($"Use [{expected}]", ct => SwapAsync(context.Document, attribute, expected, ct), "FOLIO107." + expected),
                diagnostic);
        }
    }

    private static async Task<Document> SwapAsync(Document document, AttributeSyntax attribute, string expected, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        var method = attribute.AncestorsAndSelf().OfType<MethodDeclarationSyntax>().FirstOrDefault();
        if (root is null || model is null || method is null)
        {
            return document;
        }

        // Only the last identifier changes: Query → Execute, QueryAttribute → ExecuteAttribute, Folio.Query → Folio.Execute.
        var current = expected == "Query" ? "Execute" : "Query";
        var nameToken = attribute.Name switch
        {
            QualifiedNameSyntax qualified => qualified.Right.Identifier,
            AliasQualifiedNameSyntax alias => alias.Name.Identifier,
            SimpleNameSyntax simple => simple.Identifier,
            _ => default,
        };
        var text = nameToken.ValueText;
        if (!text.StartsWith(current, System.StringComparison.Ordinal))
        {
            return document; // an alias such as [Q(...)]: leave it to the author
        }
        var renamed = SyntaxFactory.Identifier(nameToken.LeadingTrivia, expected + text.Substring(current.Length), nameToken.TrailingTrivia);
        var newMethod = method.ReplaceToken(nameToken, renamed);

        var returnType = model.GetDeclaredSymbol(method, cancellationToken)?.ReturnType;
        if (expected == "Execute" && returnType is not null && returnType.SpecialType is not (SpecialType.System_Void or SpecialType.System_Int32))
        {
            newMethod = newMethod.WithReturnType(SyntaxFactory.PredefinedType(SyntaxFactory.Token(SyntaxKind.IntKeyword)).WithTriviaFrom(newMethod.ReturnType));
        }
        return document.WithSyntaxRoot(root.ReplaceNode(method, newMethod));
    }
}
