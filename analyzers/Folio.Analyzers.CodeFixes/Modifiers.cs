using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Folio.Analyzers;

/// <summary>Adds modifiers the way a person types them: last, just before the keyword or return type, keeping indentation.</summary>
internal static class Modifiers
{
    /// <summary><paramref name="declaration"/> with <paramref name="kind"/> appended to its modifiers.</summary>
    public static MemberDeclarationSyntax Append(MemberDeclarationSyntax declaration, SyntaxKind kind)
    {
        var modifiers = declaration.Modifiers;
        if (modifiers.Count > 0)
        {
            return declaration.WithModifiers(modifiers.Add(SyntaxFactory.Token(kind).WithTrailingTrivia(SyntaxFactory.Space)));
        }
        // No modifiers yet: the first token after the attributes carries the indentation, which
        // moves to the new modifier.
        var first = declaration.AttributeLists.Count > 0
            ? declaration.AttributeLists[declaration.AttributeLists.Count - 1].GetLastToken().GetNextToken()
            : declaration.GetFirstToken();
        var token = SyntaxFactory.Token(first.LeadingTrivia, kind, SyntaxFactory.TriviaList(SyntaxFactory.Space));
        var moved = declaration.ReplaceToken(first, first.WithLeadingTrivia());
        return moved.WithModifiers(SyntaxFactory.TokenList(token));
    }

    /// <summary>True when <paramref name="modifiers"/> holds an accessibility keyword.</summary>
    public static bool HasAccessibility(SyntaxTokenList modifiers) =>
        modifiers.Any(SyntaxKind.PublicKeyword) || modifiers.Any(SyntaxKind.PrivateKeyword)
        || modifiers.Any(SyntaxKind.InternalKeyword) || modifiers.Any(SyntaxKind.ProtectedKeyword);
}
