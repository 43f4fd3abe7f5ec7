using System.Collections.Generic;

namespace Folio.Generator;

/// <summary>
/// Finds the named parameters of a SQL statement the way SQLite's tokenizer does, skipping string
/// literals, quoted identifiers and comments: <c>$name</c>, <c>:name</c> and <c>@name</c>. It also
/// notices what Folio cannot bind (<c>?</c> and <c>?NNN</c>), text after the first statement, and
/// whether the statement returns rows.
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

        /// <summary>Where the second statement starts, or -1.</summary>
        public int SecondStatementStart { get; set; } = -1;

        /// <summary>The words of the first statement outside parentheses, upper-cased, in order.</summary>
        public List<string> TopLevelWords { get; } = new();

        /// <summary>
        /// The statement's verb: its first word, or for <c>WITH</c> the statement after the common
        /// table expressions (<c>SELECT</c>, <c>INSERT</c>…). Null for an empty text.
        /// </summary>
        public string? Verb
        {
            get
            {
                if (TopLevelWords.Count == 0)
                {
                    return null;
                }
                if (TopLevelWords[0] != "WITH")
                {
                    return TopLevelWords[0];
                }
                // Common table expressions' bodies are in parentheses; the first main verb at the top level follows them.
                foreach (var word in TopLevelWords)
                {
                    if (word is "SELECT" or "VALUES" or "INSERT" or "REPLACE" or "UPDATE" or "DELETE")
                    {
                        return word;
                    }
                }
                return "WITH";
            }
        }

        /// <summary>
        /// True when the statement returns rows, false when it cannot, null when that depends on
        /// more than its text shows (<c>PRAGMA</c>, or a verb Folio does not know).
        /// </summary>
        public bool? ReturnsRows => Verb switch
        {
            "SELECT" or "VALUES" or "EXPLAIN" => true,
            "INSERT" or "REPLACE" or "UPDATE" or "DELETE" => TopLevelWords.Contains("RETURNING"),
            "CREATE" or "DROP" or "ALTER" or "BEGIN" or "COMMIT" or "END" or "ROLLBACK" or "SAVEPOINT" or "RELEASE"
                or "ATTACH" or "DETACH" or "REINDEX" or "ANALYZE" or "VACUUM" => false,
            _ => null,
        };
    }

    public static Result Scan(string sql)
    {
        var result = new Result();
        var afterSemicolon = false;
        var depth = 0;
        var i = 0;
        while ((i = SkipSpace(sql, i)) < sql.Length)
        {
            var c = sql[i];
            if (c == ';')
            {
                afterSemicolon = true;
                i++;
                continue;
            }
            if (afterSemicolon && !result.HasSeveralStatements)
            {
                result.HasSeveralStatements = true;
                result.SecondStatementStart = i;
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
                case '(':
                    depth++;
                    i++;
                    break;
                case ')':
                    depth--;
                    i++;
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
                        var wordStart = i;
                        while (i < sql.Length && IsIdentifierChar(sql[i]))
                        {
                            i++;
                        }
                        if (depth == 0 && !afterSemicolon && !char.IsDigit(c))
                        {
                            result.TopLevelWords.Add(sql.Substring(wordStart, i - wordStart).ToUpperInvariant());
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

    /// <summary>Where the next token at or after <paramref name="i"/> starts, past whitespace and <c>--</c> and <c>/* */</c> comments.</summary>
    internal static int SkipSpace(string sql, int i)
    {
        while (i < sql.Length)
        {
            if (char.IsWhiteSpace(sql[i]))
            {
                i++;
            }
            else if (sql[i] == '-' && Next(sql, i) == '-')
            {
                var end = sql.IndexOf('\n', i);
                i = end < 0 ? sql.Length : end;
            }
            else if (sql[i] == '/' && Next(sql, i) == '*')
            {
                var end = sql.IndexOf("*/", i + 2, System.StringComparison.Ordinal);
                i = end < 0 ? sql.Length : end + 2;
            }
            else
            {
                break;
            }
        }
        return i;
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
