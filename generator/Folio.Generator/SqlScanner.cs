using System.Collections.Generic;

namespace Folio.Generator;

/// <summary>
/// Finds the named parameters of a SQL statement the way SQLite's tokenizer does, skipping string
/// literals, quoted identifiers and comments: <c>$name</c>, <c>:name</c> and <c>@name</c>. It also
/// notices what Folio cannot bind (<c>?</c> and <c>?NNN</c>) and text after the first statement.
/// </summary>
internal static class SqlScanner
{
    internal sealed class Result
    {
        /// <summary>Distinct named parameters as written, in order of first appearance.</summary>
        public List<string> Parameters { get; } = new();

        /// <summary>Positional parameters found (<c>?</c>, <c>?1</c>).</summary>
        public List<string> Positional { get; } = new();

        /// <summary>True when something other than comments follows the first statement's semicolon.</summary>
        public bool HasSeveralStatements { get; set; }

        /// <summary>True when the text holds only whitespace and comments.</summary>
        public bool IsEmpty { get; set; } = true;
    }

    public static Result Scan(string sql)
    {
        var result = new Result();
        var afterSemicolon = false;
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            if (c == '-' && Next(sql, i) == '-')
            {
                while (i < sql.Length && sql[i] != '\n')
                {
                    i++;
                }
                continue;
            }
            if (c == '/' && Next(sql, i) == '*')
            {
                var end = sql.IndexOf("*/", i + 2, System.StringComparison.Ordinal);
                i = end < 0 ? sql.Length : end + 2;
                continue;
            }
            if (c == ';')
            {
                afterSemicolon = true;
                i++;
                continue;
            }
            if (afterSemicolon)
            {
                result.HasSeveralStatements = true;
            }
            result.IsEmpty = false;
            switch (c)
            {
                case '\'':
                case '"':
                case '`':
                    i = SkipQuoted(sql, i, c);
                    break;
                case '[':
                    i = SkipQuoted(sql, i, ']');
                    break;
                case '?':
                    var start = i++;
                    while (i < sql.Length && char.IsDigit(sql[i]))
                    {
                        i++;
                    }
                    result.Positional.Add(sql.Substring(start, i - start));
                    break;
                case '$':
                case ':':
                case '@':
                    var tokenStart = i++;
                    while (i < sql.Length && IsIdentifierChar(sql[i]))
                    {
                        i++;
                    }
                    if (i - tokenStart > 1)
                    {
                        var token = sql.Substring(tokenStart, i - tokenStart);
                        if (!result.Parameters.Contains(token))
                        {
                            result.Parameters.Add(token);
                        }
                    }
                    break;
                default:
                    // Skip a whole identifier or number so that e.g. 'a:b' inside a word is not read as a parameter.
                    if (IsIdentifierChar(c))
                    {
                        while (i < sql.Length && IsIdentifierChar(sql[i]))
                        {
                            i++;
                        }
                    }
                    else
                    {
                        i++;
                    }
                    break;
            }
        }
        return result;
    }

    private static char Next(string sql, int i) => i + 1 < sql.Length ? sql[i + 1] : '\0';

    // SQLite escapes a closing quote by doubling it: 'it''s'.
    private static int SkipQuoted(string sql, int i, char close)
    {
        i++;
        while (i < sql.Length)
        {
            if (sql[i] == close)
            {
                if (close != ']' && Next(sql, i) == close)
                {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return i;
    }

    private static bool IsIdentifierChar(char c) => char.IsLetterOrDigit(c) || c == '_' || c > 0x7f;
}
