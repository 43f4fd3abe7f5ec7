using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Folio.Conformance;

/// <summary>One record that did not do what its script says.</summary>
/// <param name="File">The script's path as given.</param>
/// <param name="Line">The line of the record's <c>statement</c>/<c>query</c> line.</param>
/// <param name="Sql">The record's SQL (empty for records that never ran).</param>
/// <param name="Message">What went wrong.</param>
/// <param name="Expected">The expected values (or hash line), when the record is a query.</param>
/// <param name="Actual">The values (or hash line) the engine produced, when it produced any.</param>
public sealed record RecordFailure(string File, int Line, string Sql, string Message, IReadOnlyList<string>? Expected, IReadOnlyList<string>? Actual)
{
    /// <summary>A multi-line description: location, message, SQL, expected and actual values.</summary>
    public string Describe(int maxValues = 24)
    {
        var sb = new StringBuilder();
        sb.Append(File).Append(':').Append(Line.ToString(CultureInfo.InvariantCulture)).Append(": ").AppendLine(Message);
        if (Sql.Length > 0)
        {
            sb.AppendLine("  sql:");
            foreach (var line in Sql.Split('\n'))
            {
                sb.Append("    ").AppendLine(line);
            }
        }
        if (Expected is not null)
        {
            AppendValues(sb, "expected", Expected, maxValues);
        }
        if (Actual is not null)
        {
            AppendValues(sb, "actual", Actual, maxValues);
        }
        return sb.ToString().TrimEnd();
    }

    /// <inheritdoc />
    public override string ToString() => Describe();

    private static void AppendValues(StringBuilder sb, string title, IReadOnlyList<string> values, int max)
    {
        sb.Append("  ").Append(title).Append(" (").Append(values.Count.ToString(CultureInfo.InvariantCulture)).Append(values.Count == 1 ? " line" : " lines").AppendLine("):");
        for (var i = 0; i < Math.Min(values.Count, max); i++)
        {
            sb.Append("    ").AppendLine(values[i]);
        }
        if (values.Count > max)
        {
            sb.Append("    … ").Append((values.Count - max).ToString(CultureInfo.InvariantCulture)).AppendLine(" more");
        }
    }
}

/// <summary>What running one script did.</summary>
public sealed class FileReport
{
    /// <summary>Creates an empty report for <paramref name="file"/>.</summary>
    public FileReport(string file) => File = file;

    /// <summary>The script's path or name.</summary>
    public string File { get; }

    /// <summary>Records run that did what the script says.</summary>
    public int Passed { get; internal set; }

    /// <summary>Records that did not (or could not be run: malformed records count here too).</summary>
    public int Failed => Failures.Count;

    /// <summary>Records skipped by <c>skipif</c>/<c>onlyif</c>.</summary>
    public int Skipped { get; internal set; }

    /// <summary>The line of the <c>halt</c> record that stopped the script, if one did.</summary>
    public int? HaltedAt { get; internal set; }

    /// <summary>The failed records, in script order.</summary>
    public List<RecordFailure> Failures { get; } = [];

    /// <summary>How long the script took.</summary>
    public TimeSpan Elapsed { get; internal set; }

    /// <summary>The records that ran: passed plus failed.</summary>
    public int Records => Passed + Failed;
}

/// <summary>
/// Runs sqllogictest scripts in validation mode, the way the reference runner
/// (sqllogictest.c with its SQLite engine) does. It is stricter in two places, both to keep a
/// store fault from passing unnoticed: a query's value count must match its expected lines exactly
/// (the reference stops comparing at the shorter of the two), and an error while stepping a query
/// fails it unless it is an error of the SQL itself (the reference keeps the rows read so far
/// whatever the error; see <see cref="SqliteSession"/>). Likewise <c>statement error</c> is met
/// only by an error of the SQL (<see cref="SqlError.IsSqlLevel"/>), not by an I/O or corruption error.
/// </summary>
public sealed class SltRunner
{
    /// <summary>The engine name <c>skipif</c> and <c>onlyif</c> are matched against (case-insensitively).</summary>
    public const string DefaultEngineName = "sqlite";

    /// <summary>The reference runner's hash threshold until a script sets one.</summary>
    public const int DefaultHashThreshold = 8;

    private const int MaxLabelLength = 20;

    /// <summary>The engine name used by <c>skipif</c>/<c>onlyif</c>.</summary>
    public string EngineName { get; init; } = DefaultEngineName;

    /// <summary>Runs a script file against <paramref name="session"/>.</summary>
    public FileReport RunFile(string path, ISqlSession session)
    {
        var bytes = System.IO.File.ReadAllBytes(path);
        return Run(new UTF8Encoding(false).GetString(bytes), path, session);
    }

    /// <summary>Runs script text against <paramref name="session"/>; <paramref name="name"/> labels failures.</summary>
    public FileReport Run(string script, string name, ISqlSession session)
    {
        var stopwatch = Stopwatch.StartNew();
        var report = new FileReport(name);
        var reader = new ScriptReader(script);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var hashThreshold = DefaultHashThreshold;
        var values = new List<string>();

        void Fail(string sql, string message, IReadOnlyList<string>? expected = null, IReadOnlyList<string>? actual = null) =>
            report.Failures.Add(new RecordFailure(name, reader.StartLine, sql, message, expected, actual));

        while (reader.FindStartOfNextRecord())
        {
            reader.Tokenize();
            var tokens = reader.Tokens;

            var skip = false;
            while (tokens[0] is "skipif" or "onlyif")
            {
                var match = string.Equals(tokens[1], EngineName, StringComparison.OrdinalIgnoreCase);
                if (tokens[0][0] == 's' ? match : !match)
                {
                    skip = true;
                }
                reader.NextLine();
                reader.Tokenize();
            }
            if (skip)
            {
                report.Skipped++;
                if (tokens[0] == "query" && tokens[3].Length > 0)
                {
                    CheckSkippedLabel(reader, labels, Fail);
                }
                continue;
            }

            switch (tokens[0])
            {
                case "statement":
                {
                    var sql = ReadStatementSql(reader);
                    var error = session.Execute(sql);
                    if (tokens[1] == "ok")
                    {
                        Count(error is null, () => Fail(sql, "statement failed: " + error));
                    }
                    else if (tokens[1] == "error")
                    {
                        Count(error is { IsSqlLevel: true }, () => Fail(sql, error is null
                            ? "statement succeeded but the script expects an error"
                            : "statement failed, as the script expects, but not because of its SQL: " + error));
                    }
                    else
                    {
                        Fail(sql, $"statement argument should be 'ok' or 'error', not '{tokens[1]}'");
                    }
                    break;
                }
                case "query":
                {
                    var types = tokens[1];
                    var bad = types.FirstOrDefault(c => c is not ('T' or 'I' or 'R'));
                    if (bad != default)
                    {
                        Fail("", $"unknown type character '{bad}' in type string");
                        continue;
                    }
                    if (types.Length == 0)
                    {
                        Fail("", "missing type string");
                        goto StopFile;
                    }
                    var sql = ReadQuerySql(reader, out var hasResults);
                    var expected = hasResults ? ReadExpected(reader) : [];
                    values.Clear();
                    var error = session.Query(sql, types, values);
                    if (error is not null)
                    {
                        Fail(sql, "query failed: " + error, expected);
                        continue;
                    }
                    // Everything wrong with the record is reported, as one failure: the count is of records.
                    var problems = new List<string>();
                    switch (tokens[2])
                    {
                        case "" or "nosort":
                            break;
                        case "rowsort":
                            ResultFormat.SortRows(values, types.Length);
                            break;
                        case "valuesort":
                            ResultFormat.SortValues(values);
                            break;
                        default:
                            problems.Add($"unknown sort method: '{tokens[2]}'");
                            break;
                    }
                    var hashed = hashThreshold > 0 && values.Count > hashThreshold;
                    string? hashLine = null;
                    if (tokens[3].Length > 0 || hashed)
                    {
                        var md5 = ResultFormat.Md5(values);
                        hashLine = ResultFormat.HashLine(values.Count, md5);
                        var label = Truncate(tokens[3]);
                        if (label.Length > 0 && !CheckLabel(labels, label, md5))
                        {
                            problems.Add($"labeled result [{label}] does not agree with previous values");
                        }
                    }
                    IReadOnlyList<string> actual;
                    if (hashed)
                    {
                        actual = [hashLine!, .. values];
                        if (expected.Count != 1 || expected[0] != hashLine)
                        {
                            problems.Add("wrong result hash (actual: the hash line, then the values hashed)");
                        }
                    }
                    else
                    {
                        actual = values.ToArray();
                        if (!expected.SequenceEqual(values, StringComparer.Ordinal))
                        {
                            problems.Add(DescribeMismatch(expected, values));
                        }
                    }
                    if (problems.Count == 0)
                    {
                        report.Passed++;
                    }
                    else
                    {
                        Fail(sql, string.Join("; ", problems), expected, actual);
                    }
                    break;
                }
                case "hash-threshold":
                    hashThreshold = Atoi(tokens[1]);
                    break;
                case "halt":
                    report.HaltedAt = reader.StartLine;
                    goto StopFile;
                default:
                    Fail("", $"unknown record type: '{tokens[0]}'");
                    goto StopFile;
            }
        }
    StopFile:
        report.Elapsed = stopwatch.Elapsed;
        return report;

        void Count(bool ok, Action fail)
        {
            if (ok)
            {
                report.Passed++;
            }
            else
            {
                fail();
            }
        }
    }

    private static string ReadStatementSql(ScriptReader reader)
    {
        var sb = new StringBuilder();
        while (reader.NextLine() && reader.Line.Length > 0)
        {
            if (sb.Length > 0)
            {
                sb.Append('\n');
            }
            sb.Append(reader.Line);
        }
        return sb.ToString();
    }

    /// <summary>The SQL lines up to <c>----</c> or the end of the record; leaves the cursor on the <c>----</c>.</summary>
    private static string ReadQuerySql(ScriptReader reader, out bool hasResults)
    {
        var sb = new StringBuilder();
        hasResults = false;
        while (!reader.NextIsBlank() && reader.NextLine() && reader.Line.Length > 0)
        {
            if (reader.Line == "----")
            {
                hasResults = true;
                break;
            }
            if (sb.Length > 0)
            {
                sb.Append('\n');
            }
            sb.Append(reader.Line);
        }
        return sb.ToString();
    }

    /// <summary>The lines after <c>----</c> up to the end of the record.</summary>
    private static List<string> ReadExpected(ScriptReader reader)
    {
        var expected = new List<string>();
        while (reader.NextLine() && reader.Line.Length > 0)
        {
            expected.Add(reader.Line);
        }
        return expected;
    }

    /// <summary>
    /// A skipped query with a label still has its expected results checked against the label, as
    /// the reference runner does in validation mode: the hash from a hash line, else the MD5 of the lines.
    /// </summary>
    private static void CheckSkippedLabel(ScriptReader reader, Dictionary<string, string> labels, Action<string, string, IReadOnlyList<string>?, IReadOnlyList<string>?> fail)
    {
        var label = Truncate(reader.Tokens[3]);
        _ = ReadQuerySql(reader, out var hasResults);
        if (!hasResults)
        {
            return;
        }
        var expected = ReadExpected(reader);
        if (expected.Count == 0)
        {
            return;
        }
        var md5 = TryParseHashLine(expected[0]) ?? ResultFormat.Md5(expected);
        if (!CheckLabel(labels, label, md5))
        {
            fail("", $"labeled result [{label}] of a skipped query does not agree with previous values", expected, null);
        }
    }

    /// <summary>The hash of an <c>N values hashing to MD5</c> line (as sscanf "%*d values hashing to %32s" reads it), or null.</summary>
    internal static string? TryParseHashLine(string line)
    {
        var i = 0;
        while (i < line.Length && ScriptReader.IsSpace(line[i]))
        {
            i++;
        }
        if (i < line.Length && line[i] is '+' or '-')
        {
            i++;
        }
        var digits = i;
        while (i < line.Length && char.IsAsciiDigit(line[i]))
        {
            i++;
        }
        if (i == digits)
        {
            return null;
        }
        foreach (var word in (ReadOnlySpan<string>)["values", "hashing", "to"])
        {
            while (i < line.Length && ScriptReader.IsSpace(line[i]))
            {
                i++;
            }
            if (string.CompareOrdinal(line, i, word, 0, word.Length) != 0)
            {
                return null;
            }
            i += word.Length;
        }
        while (i < line.Length && ScriptReader.IsSpace(line[i]))
        {
            i++;
        }
        var start = i;
        while (i < line.Length && i - start < 32 && !ScriptReader.IsSpace(line[i]))
        {
            i++;
        }
        return i > start ? line[start..i] : null;
    }

    private static bool CheckLabel(Dictionary<string, string> labels, string label, string md5)
    {
        if (labels.TryGetValue(label, out var previous))
        {
            return previous == md5;
        }
        labels[label] = md5;
        return true;
    }

    private static string Truncate(string label) => label.Length > MaxLabelLength ? label[..MaxLabelLength] : label;

    private static string DescribeMismatch(IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        for (var i = 0; i < Math.Min(expected.Count, actual.Count); i++)
        {
            if (!string.Equals(expected[i], actual[i], StringComparison.Ordinal))
            {
                return $"wrong result: value {i + 1} is '{actual[i]}', expected '{expected[i]}'";
            }
        }
        return $"wrong result: {actual.Count} values, expected {expected.Count}";
    }

    /// <summary>C's <c>atoi</c>: optional white space and sign, then digits; 0 when there are none.</summary>
    internal static int Atoi(string text)
    {
        var i = 0;
        while (i < text.Length && ScriptReader.IsSpace(text[i]))
        {
            i++;
        }
        var negative = false;
        if (i < text.Length && text[i] is '+' or '-')
        {
            negative = text[i] == '-';
            i++;
        }
        long value = 0;
        while (i < text.Length && char.IsAsciiDigit(text[i]) && value < int.MaxValue)
        {
            value = value * 10 + (text[i] - '0');
            i++;
        }
        value = Math.Min(value, int.MaxValue);
        return (int)(negative ? -value : value);
    }
}
