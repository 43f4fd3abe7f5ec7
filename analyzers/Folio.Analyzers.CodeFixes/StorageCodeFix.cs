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
using Microsoft.CodeAnalysis.Simplification;

namespace Folio.Analyzers;

/// <summary>FOLIO003: adds <c>[FileStorage]</c> or <c>[MemoryStorage]</c> next to <c>[PagedDatabase]</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(StorageCodeFix)), Shared]
public sealed class StorageCodeFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(DiagnosticDescriptors.NoStorage.Id);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            var declaration = root?.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.AncestorsAndSelf().OfType<TypeDeclarationSyntax>().FirstOrDefault();
            if (declaration is null)
            {
                continue;
            }
            foreach (var storage in new[] { "FileStorage", "MemoryStorage" })
            {
                context.RegisterCodeFix(
                    CodeAction.Create($"Add [{storage}]", ct => AddAsync(context.Document, declaration, storage, ct), "FOLIO003." + storage),
                    diagnostic);
            }
        }
    }

    private static async Task<Solution> AddAsync(Document document, TypeDeclarationSyntax declaration, string storage, CancellationToken cancellationToken)
    {
        // The attribute goes right after [PagedDatabase], in whichever part of the class carries it.
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        var type = model?.GetDeclaredSymbol(declaration, cancellationToken);
        var pagedDatabase = model?.Compilation.GetTypeByMetadataName(KnownSymbols.PagedDatabaseAttributeName);
        var anchor = type?.GetAttributes()
            .FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, pagedDatabase))?
            .ApplicationSyntaxReference?.GetSyntax(cancellationToken).Parent as AttributeListSyntax;
        var target = anchor is null ? document : document.Project.Solution.GetDocument(anchor.SyntaxTree) ?? document;
        var root = await target.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document.Project.Solution;
        }

        var name = SyntaxFactory.ParseName("global::Folio." + storage).WithAdditionalAnnotations(Simplifier.Annotation);
        var list = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Attribute(name)));
        SyntaxNode newRoot;
        if (anchor is not null && root.FindNode(anchor.Span) is AttributeListSyntax found && found.Parent is MemberDeclarationSyntax owner)
        {
            list = list.WithLeadingTrivia(Indentation(found.GetLeadingTrivia())).WithTrailingTrivia(found.GetTrailingTrivia());
            var index = owner.AttributeLists.IndexOf(found);
            newRoot = root.ReplaceNode(owner, owner.WithAttributeLists(owner.AttributeLists.Insert(index + 1, list)));
        }
        else
        {
            var first = declaration.GetFirstToken();
            // Before the first token: the blank lines and comments above stay above, and the
            // declaration keeps its indentation on its new line.
            var indentation = Indentation(first.LeadingTrivia);
            var lineBreak = root.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
            list = list.WithLeadingTrivia(first.LeadingTrivia).WithTrailingTrivia(lineBreak.IsKind(SyntaxKind.EndOfLineTrivia) ? lineBreak : SyntaxFactory.LineFeed);
            var moved = declaration.ReplaceToken(first, first.WithLeadingTrivia(indentation));
            newRoot = root.ReplaceNode(declaration, moved.WithAttributeLists(moved.AttributeLists.Insert(0, list)));
        }
        return target.Project.Solution.WithDocumentSyntaxRoot(target.Id, newRoot);
    }

    /// <summary>The whitespace after the last line break of <paramref name="trivia"/>: a line's indentation.</summary>
    private static SyntaxTriviaList Indentation(SyntaxTriviaList trivia)
    {
        var start = 0;
        for (var i = 0; i < trivia.Count; i++)
        {
            if (trivia[i].IsKind(SyntaxKind.EndOfLineTrivia))
            {
                start = i + 1;
            }
        }
        return SyntaxFactory.TriviaList(trivia.Skip(start).Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia)));
    }
}
