using System.Collections.Generic;

namespace Folio.Generator;

/// <summary>
/// The names of the columns a statement returns, read from its text the way SQLite names them:
/// <c>expr AS name</c> is <c>name</c>, a column reference <c>t.col</c> is <c>col</c>. It answers only
/// when it is sure: any column whose name depends on more than the text shows (<c>*</c>, an
/// expression without <c>AS</c>, <c>VALUES</c>) makes the whole list unknown.
/// </summary>
internal static class SqlColumns
{
    private enum Kind
    {
        Word,
        QuotedName,
        Other,
    }

    /// <param name="Kind">What the token is.</param>
    /// <param name="Text">The token as written; for a quoted identifier, the name without its quotes.</param>
    /// <param name="Depth">How many parentheses enclose it.</param>
    private readonly record struct Token(Kind Kind, string Text, int Depth)
    {
        public bool IsKeyword(string keyword) => Kind == Kind.Word && Depth == 0 && string.Equals(Text, keyword, System.StringComparison.OrdinalIgnoreCase);

        public bool IsName => Kind is Kind.Word or Kind.QuotedName;
    }

    // Words that end a SELECT's result columns at the top level.
    private static readonly HashSet<string> AfterColumns = new(System.StringComparer.OrdinalIgnoreCase)
    {
        "FROM", "WHERE", "GROUP", "HAVING", "WINDOW", "ORDER", "LIMIT", "UNION", "INTERSECT", "EXCEPT",
    };

    /// <summary>The result column names of the first statement in <paramref name="sql"/>, or null when they cannot be known from the text.</summary>
    public static List<string>? Of(string sql)
    {
        var tokens = Tokenize(sql);
        // The statement's verb; after WITH, the first main verb at the top level (common table
        // expressions are in parentheses).
        var verb = "";
        foreach (var token in tokens)
        {
            if (token.Kind == Kind.Word && token.Depth == 0 && (verb.Length == 0 || verb == "WITH"))
            {
                var word = token.Text.ToUpperInvariant();
                verb = verb.Length == 0 || word is "SELECT" or "VALUES" or "INSERT" or "REPLACE" or "UPDATE" or "DELETE" ? word : verb;
            }
        }
        // The columns follow the first top-level SELECT of a query, or RETURNING.
        var marker = verb == "SELECT" ? "SELECT" : verb is "INSERT" or "REPLACE" or "UPDATE" or "DELETE" ? "RETURNING" : null;
        var start = -1;
        for (var i = 0; marker is not null && i < tokens.Count && start < 0; i++)
        {
            if (tokens[i].IsKeyword(marker))
            {
                start = i + 1;
            }
        }
        if (start < 0)
        {
            return null;
        }
        if (start < tokens.Count && (tokens[start].IsKeyword("DISTINCT") || tokens[start].IsKeyword("ALL")))
        {
            start++;
        }

        var names = new List<string>();
        var column = new List<Token>();
        for (var i = start; i <= tokens.Count; i++)
        {
            var end = i == tokens.Count || (tokens[i].Kind == Kind.Word && tokens[i].Depth == 0 && AfterColumns.Contains(tokens[i].Text));
            if (end || (tokens[i].Depth == 0 && tokens[i].Text == ","))
            {
                var name = NameOf(column);
                if (name is null)
                {
                    return null;
                }
                names.Add(name);
                column.Clear();
                if (end)
                {
                    break;
                }
                continue;
            }
            column.Add(tokens[i]);
        }
        return names;
    }

    // 'expr AS name' or a column reference 'name', 't.name', 's.t.name'; anything else is unknown.
    private static string? NameOf(List<Token> column)
    {
        var n = column.Count;
        if (n >= 3 && column[n - 2].IsKeyword("AS") && column[n - 1].IsName)
        {
            return column[n - 1].Text;
        }
        for (var i = 0; i < n; i++)
        {
            var expected = i % 2 == 0 ? column[i].IsName : column[i].Text == ".";
            if (!expected)
            {
                return null;
            }
        }
        return n % 2 == 1 ? column[n - 1].Text : null;
    }

    private static List<Token> Tokenize(string sql)
    {
        var tokens = new List<Token>();
        var depth = 0;
        var i = 0;
        while ((i = SqlScanner.SkipSpace(sql, i)) < sql.Length)
        {
            var c = sql[i];
            if (c == ';')
            {
                break; // the first statement only
            }
            else if (c is '"' or '`' or '[' or '\'')
            {
                var close = c == '[' ? ']' : c;
                var text = new System.Text.StringBuilder();
                i++;
                while (i < sql.Length)
                {
                    if (sql[i] == close && close != ']' && i + 1 < sql.Length && sql[i + 1] == close)
                    {
                        text.Append(close);
                        i += 2;
                    }
                    else if (sql[i] == close)
                    {
                        i++;
                        break;
                    }
                    else
                    {
                        text.Append(sql[i++]);
                    }
                }
                // A single-quoted text is a string literal, not a name.
                tokens.Add(new Token(c == '\'' ? Kind.Other : Kind.QuotedName, text.ToString(), depth));
            }
            else if (char.IsLetter(c) || c == '_' || c > 0x7f)
            {
                var start = i;
                while (i < sql.Length && (char.IsLetterOrDigit(sql[i]) || sql[i] == '_' || sql[i] == '$' || sql[i] > 0x7f))
                {
                    i++;
                }
                tokens.Add(new Token(Kind.Word, sql.Substring(start, i - start), depth));
            }
            else
            {
                // Numbers, parameters and operators only need to be told apart from names.
                if (c == ')')
                {
                    depth--;
                }
                tokens.Add(new Token(Kind.Other, c.ToString(), depth));
                if (c == '(')
                {
                    depth++;
                }
                i++;
            }
        }
        return tokens;
    }
}
