namespace Folio.SqlCheck;

/// <summary>
/// The tables a statement reads on the nullable side of an outer join, from its text: what follows
/// <c>LEFT JOIN</c>, what precedes <c>RIGHT JOIN</c> in the same <c>FROM</c>, both sides of
/// <c>FULL JOIN</c>. SQLite's metadata names the table a result column comes from but not how it
/// was joined, so this is read from the SQL. It errs towards NULL: every name in a nullable
/// operand counts (a subquery's tables, an alias), and a table joined twice counts as nullable if
/// either use is.
/// </summary>
internal static class OuterJoins
{
    private readonly record struct Token(string Text, bool IsName, int Depth)
    {
        public bool Is(string keyword) => IsName && string.Equals(Text, keyword, StringComparison.OrdinalIgnoreCase);
    }

    public static HashSet<string> NullableTables(string sql)
    {
        var tokens = Tokenize(sql);
        var nullable = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < tokens.Count; i++)
        {
            if (!tokens[i].Is("JOIN"))
            {
                continue;
            }
            var k = i - 1;
            if (k >= 0 && tokens[k].Is("OUTER"))
            {
                k--;
            }
            if (k < 0)
            {
                continue;
            }
            var left = tokens[k].Is("RIGHT") || tokens[k].Is("FULL");
            var right = tokens[k].Is("LEFT") || tokens[k].Is("FULL");
            var depth = tokens[i].Depth;
            if (right)
            {
                // The operand: up to ON, USING or the next join at this depth, parentheses included.
                for (var j = i + 1; j < tokens.Count && tokens[j].Depth >= depth; j++)
                {
                    if (tokens[j].Depth == depth && (tokens[j].Is("ON") || tokens[j].Is("USING") || tokens[j].Is("JOIN") || tokens[j].Text == ","
                        || tokens[j].Is("WHERE") || tokens[j].Is("GROUP") || tokens[j].Is("ORDER") || tokens[j].Is("LIMIT")))
                    {
                        break;
                    }
                    AddName(nullable, tokens[j]);
                }
            }
            if (left)
            {
                // Everything back to this FROM.
                for (var j = k - 1; j >= 0 && tokens[j].Depth >= depth; j--)
                {
                    if (tokens[j].Depth == depth && tokens[j].Is("FROM"))
                    {
                        break;
                    }
                    AddName(nullable, tokens[j]);
                }
            }
        }
        return nullable;
    }

    private static void AddName(HashSet<string> names, Token token)
    {
        if (token.IsName)
        {
            names.Add(token.Text);
        }
    }

    private static List<Token> Tokenize(string sql)
    {
        var tokens = new List<Token>();
        var depth = 0;
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
            {
                i = sql.IndexOf('\n', i) is var end and >= 0 ? end + 1 : sql.Length;
            }
            else if (c == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
            {
                i = sql.IndexOf("*/", i + 2, StringComparison.Ordinal) is var end and >= 0 ? end + 2 : sql.Length;
            }
            else if (c is '"' or '`' or '[' or '\'')
            {
                var close = c == '[' ? ']' : c;
                var end = sql.IndexOf(close, i + 1);
                end = end < 0 ? sql.Length : end;
                // A string literal is no name; a quoted identifier is.
                tokens.Add(new Token(sql[(i + 1)..end], c != '\'', depth));
                i = end + 1;
            }
            else if (char.IsLetter(c) || c == '_' || c > 0x7f)
            {
                var start = i;
                while (i < sql.Length && (char.IsLetterOrDigit(sql[i]) || sql[i] is '_' or '$' || sql[i] > 0x7f))
                {
                    i++;
                }
                tokens.Add(new Token(sql[start..i], true, depth));
            }
            else
            {
                if (c == ')')
                {
                    depth--;
                }
                tokens.Add(new Token(c.ToString(), false, depth));
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
