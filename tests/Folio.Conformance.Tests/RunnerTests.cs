using System.Security.Cryptography;
using System.Text;
using Folio.Conformance.Targets;
using NUnit.Framework;

namespace Folio.Conformance.Tests;

/// <summary>The runner on small hand-written scripts with known answers: it must be able to fail.</summary>
[TestFixture]
public class RunnerTests
{
    private static FileReport Run(string script, string store = "native")
    {
        using var session = StoreTargets.Get(store).OpenFresh("inline");
        return new SltRunner().Run(script, "inline.test", session);
    }

    /// <summary>MD5 of a literal, computed independently of the runner.</summary>
    private static string Md5Of(string literal) => Convert.ToHexStringLower(MD5.HashData(Encoding.ASCII.GetBytes(literal)));

    private static string Describe(FileReport report) => string.Join("\n", report.Failures.Select(f => f.Describe()));

    private const string TwoRows = """
        statement ok
        CREATE TABLE t(x INTEGER)

        statement ok
        INSERT INTO t VALUES(1),(2)

        """;

    [TestCase("native")]
    [TestCase("memory")]
    [TestCase("file")]
    public void AWrongExpectedValueIsReportedAsFailed(string store)
    {
        var report = Run(TwoRows + """

            query I rowsort
            SELECT x FROM t
            ----
            1
            3
            """, store);

        Assert.That(report.Passed, Is.EqualTo(2));
        Assert.That(report.Failed, Is.EqualTo(1));
        var failure = report.Failures[0];
        Assert.Multiple(() =>
        {
            Assert.That(failure.File, Is.EqualTo("inline.test"));
            Assert.That(failure.Line, Is.EqualTo(7));
            Assert.That(failure.Sql, Is.EqualTo("SELECT x FROM t"));
            Assert.That(failure.Expected, Is.EqualTo(new[] { "1", "3" }));
            Assert.That(failure.Actual, Is.EqualTo(new[] { "1", "2" }));
            Assert.That(failure.Message, Does.Contain("value 2 is '2', expected '3'"));
            Assert.That(failure.Describe(), Does.Contain("inline.test:7").And.Contain("SELECT x FROM t"));
        });
    }

    [Test]
    public void TheRightExpectedValuesPass()
    {
        var report = Run(TwoRows + """

            query I rowsort
            SELECT x FROM t
            ----
            1
            2
            """);
        Assert.That(report.Failed, Is.Zero, Describe(report));
        Assert.That(report.Passed, Is.EqualTo(3));
    }

    [TestCase("1")]
    [TestCase("1\n2\n3")]
    public void AMissingOrExtraValueFails(string expected)
    {
        var report = Run(TwoRows + "\nquery I rowsort\nSELECT x FROM t\n----\n" + expected + "\n");
        Assert.That(report.Failed, Is.EqualTo(1));
        Assert.That(report.Failures[0].Message, Does.Contain("values, expected"));
    }

    [Test]
    public void AQueryWithoutResultsMustReturnNothing()
    {
        var report = Run(TwoRows + "\nquery I nosort\nSELECT x FROM t WHERE x > 5\n\nquery I nosort\nSELECT x FROM t\n");
        Assert.That(report.Passed, Is.EqualTo(3));
        Assert.That(report.Failed, Is.EqualTo(1));
        Assert.That(report.Failures[0].Line, Is.EqualTo(10));
    }

    [Test]
    public void StatementsPassOrFailAsTheScriptSays()
    {
        var report = Run("""
            statement ok
            CREATE TABLE t(x INTEGER PRIMARY KEY)

            statement ok
            INSERT INTO t VALUES(1)

            statement error
            INSERT INTO t VALUES(1)

            statement ok
            INSERT INTO t VALUES(1)

            statement error
            INSERT INTO t VALUES(2)

            statement maybe
            SELECT 1
            """);
        Assert.That(report.Passed, Is.EqualTo(3));
        Assert.That(report.Failures.Select(f => f.Line), Is.EqualTo(new[] { 10, 13, 16 }));
        Assert.That(report.Failures[0].Message, Does.StartWith("statement failed: UNIQUE constraint failed"));
        Assert.That(report.Failures[1].Message, Does.Contain("expects an error"));
        Assert.That(report.Failures[2].Message, Does.Contain("'ok' or 'error'"));
    }

    [Test]
    public void AStatementRunsEveryStatementInItsText()
    {
        var report = Run("statement ok\nCREATE TABLE t(x);\nINSERT INTO t VALUES(7)\n\nquery I nosort\nSELECT x FROM t\n----\n7\n");
        Assert.That(report.Failed, Is.Zero, Describe(report));
        Assert.That(report.Passed, Is.EqualTo(2));
    }

    [Test]
    public void AQueryThatCannotRunOrHasTheWrongColumnsFails()
    {
        var report = Run("""
            query I nosort
            SELEC 1
            ----
            1

            query II nosort
            SELECT 1
            ----
            1

            query IX nosort
            SELECT 1, 2
            ----
            1
            2
            """);
        Assert.That(report.Passed, Is.Zero);
        Assert.That(report.Failures.Select(f => f.Line), Is.EqualTo(new[] { 1, 6, 11 }));
        Assert.That(report.Failures[0].Message, Does.Contain("syntax error"));
        Assert.That(report.Failures[1].Message, Does.Contain("wrong number of result columns: expected 2 but got 1"));
        Assert.That(report.Failures[2].Message, Does.Contain("unknown type character 'X'"));
    }

    // ---- hashing ---------------------------------------------------------------------------

    private const string TenValues = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10) SELECT x FROM c";

    [Test]
    public void MoreValuesThanTheDefaultThresholdOfEightAreHashed()
    {
        var md5 = Md5Of("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n");
        var report = Run($"query I nosort\n{TenValues}\n----\n10 values hashing to {md5}\n");
        Assert.That(report.Failed, Is.Zero, Describe(report));
        Assert.That(report.Passed, Is.EqualTo(1));

        var wrong = Run($"query I nosort\n{TenValues}\n----\n10 values hashing to {Md5Of("1\n")}\n");
        Assert.That(wrong.Failed, Is.EqualTo(1));
        Assert.That(wrong.Failures[0].Message, Does.StartWith("wrong result hash"));
        Assert.That(wrong.Failures[0].Actual!.Skip(1), Is.EqualTo(Enumerable.Range(1, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        Assert.That(wrong.Failures[0].Actual![0], Is.EqualTo($"10 values hashing to {md5}"));
    }

    [Test]
    public void TheHashIsTakenAfterSorting()
    {
        // rowsort compares strings, so "10" sorts before "2".
        var md5 = Md5Of("1\n10\n2\n3\n4\n5\n6\n7\n8\n9\n");
        var report = Run($"query I rowsort\n{TenValues} ORDER BY x DESC\n----\n10 values hashing to {md5}\n");
        Assert.That(report.Failed, Is.Zero, Describe(report));
    }

    [Test]
    public void EightValuesAreListedNotHashed()
    {
        var sql = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 8) SELECT x FROM c";
        var report = Run($"query I nosort\n{sql}\n----\n1\n2\n3\n4\n5\n6\n7\n8\n");
        Assert.That(report.Failed, Is.Zero, Describe(report));
    }

    [Test]
    public void HashThresholdChangesWhenResultsAreHashed()
    {
        var listed = string.Join("\n", Enumerable.Range(1, 10)) + "\n";
        var off = Run($"hash-threshold 0\n\nquery I nosort\n{TenValues}\n----\n{listed}");
        Assert.That(off.Failed, Is.Zero, Describe(off));

        var two = Run($"hash-threshold 2\n\nquery TT nosort\nSELECT 'a', 'b'\n----\na\nb\n\nquery TTT nosort\nSELECT 'a', 'b', 'c'\n----\n3 values hashing to {Md5Of("a\nb\nc\n")}\n");
        Assert.That(two.Failed, Is.Zero, Describe(two));
        Assert.That(two.Passed, Is.EqualTo(2));
    }

    [Test]
    public void QueriesWithTheSameLabelMustAgree()
    {
        var report = Run(TwoRows + """

            query I rowsort label-a
            SELECT x FROM t
            ----
            1
            2

            query I rowsort label-a
            SELECT x FROM t ORDER BY x DESC
            ----
            1
            2

            query I rowsort label-a
            SELECT x + 1 FROM t
            ----
            2
            3
            """);
        Assert.That(report.Passed, Is.EqualTo(4));
        Assert.That(report.Failed, Is.EqualTo(1));
        Assert.That(report.Failures[0].Line, Is.EqualTo(19));
        Assert.That(report.Failures[0].Message, Does.Contain("labeled result [label-a] does not agree"));
    }

    [Test]
    public void ASkippedLabelledQueryStillRecordsItsExpectedHash()
    {
        // As in the reference runner's validation mode: the skipped query's expected values
        // (MD5 of "1\n") become the label's hash, so a later query with another answer disagrees.
        var report = Run("""
            skipif sqlite
            query I nosort label-b
            SELECT 1
            ----
            1

            query I nosort label-b
            SELECT 2
            ----
            2
            """);
        Assert.That(report.Skipped, Is.EqualTo(1));
        Assert.That(report.Failed, Is.EqualTo(1));
        Assert.That(report.Failures[0].Message, Does.Contain("label-b"));
    }

    // ---- sort modes -----------------------------------------------------------------------

    [Test]
    public void NosortKeepsTheEngineOrder()
    {
        var report = Run("query I nosort\nSELECT * FROM (VALUES(3),(1),(2))\n----\n3\n1\n2\n");
        Assert.That(report.Failed, Is.Zero, Describe(report));
        var sorted = Run("query I nosort\nSELECT * FROM (VALUES(3),(1),(2))\n----\n1\n2\n3\n");
        Assert.That(sorted.Failed, Is.EqualTo(1));
    }

    [Test]
    public void RowsortComparesRowsColumnByColumnAsStrings()
    {
        // Column by column, ("a","z") sorts before ("ab","c"); as one concatenated string it would not.
        var report = Run("query TT rowsort\nSELECT * FROM (VALUES('ab','c'),('a','z'))\n----\na\nz\nab\nc\n");
        Assert.That(report.Failed, Is.Zero, Describe(report));
        var numbers = Run("query I rowsort\nSELECT * FROM (VALUES(9),(10),(1))\n----\n1\n10\n9\n");
        Assert.That(numbers.Failed, Is.Zero, Describe(numbers));
    }

    [Test]
    public void ValuesortSortsEveryValueOnItsOwn()
    {
        var report = Run("query II valuesort\nSELECT * FROM (VALUES(4,3),(2,1))\n----\n1\n2\n3\n4\n");
        Assert.That(report.Failed, Is.Zero, Describe(report));
        var rowwise = Run("query II valuesort\nSELECT * FROM (VALUES(4,3),(2,1))\n----\n2\n1\n4\n3\n");
        Assert.That(rowwise.Failed, Is.EqualTo(1));
    }

    [Test]
    public void SortHelpersOnKnownInputs()
    {
        var rows = new List<string> { "b", "1", "a", "2", "a", "10" };
        ResultFormat.SortRows(rows, 2);
        Assert.That(rows, Is.EqualTo(new[] { "a", "10", "a", "2", "b", "1" }));
        var values = new List<string> { "b", "NULL", "10", "9", "(empty)" };
        ResultFormat.SortValues(values);
        Assert.That(values, Is.EqualTo(new[] { "(empty)", "10", "9", "NULL", "b" }));
    }

    [Test]
    public void Md5HelperMatchesAnIndependentHash()
    {
        Assert.That(ResultFormat.Md5(["a", "b"]), Is.EqualTo(Md5Of("a\nb\n")));
        Assert.That(ResultFormat.Md5([]), Is.EqualTo("d41d8cd98f00b204e9800998ecf8427e"));
        Assert.That(ResultFormat.HashLine(2, "x"), Is.EqualTo("2 values hashing to x"));
    }

    // ---- formatting -----------------------------------------------------------------------

    [TestCase("I", "NULL", "NULL")]
    [TestCase("I", "42", "42")]
    [TestCase("I", "-7", "-7")]
    [TestCase("I", "3.7", "3")]
    [TestCase("I", "-3.7", "-3")]
    [TestCase("I", "'12abc'", "12")]
    [TestCase("I", "'abc'", "0")]
    [TestCase("I", "4294967301", "5")] // sqlite3_column_int keeps the low 32 bits
    [TestCase("R", "5", "5.000")]
    [TestCase("R", "1.0/3", "0.333")]
    [TestCase("R", "-2.5", "-2.500")]
    [TestCase("R", "2.0/3", "0.667")]
    [TestCase("R", "'1.25x'", "1.250")]
    [TestCase("R", "-0.0", "0.000")]
    [TestCase("R", "NULL", "NULL")]
    [TestCase("T", "'hello world'", "hello world")]
    [TestCase("T", "''", "(empty)")]
    [TestCase("T", "NULL", "NULL")]
    [TestCase("T", "'a' || char(9) || 'b' || char(10)", "a@b@")]
    [TestCase("T", "'caf' || char(233)", "caf@@")] // é is two UTF-8 bytes, each outside ' '..'~'
    [TestCase("T", "'~' || char(127)", "~@")]
    [TestCase("T", "12", "12")]
    [TestCase("T", "1.5", "1.5")]
    [TestCase("T", "100.0", "100.0")]
    [TestCase("T", "x'414200'", "AB")] // C sees text up to its first NUL
    [TestCase("T", "x'00'", "(empty)")]
    public void ValuesRenderAsTheReferenceRunnerRendersThem(string type, string expression, string expected)
    {
        var report = Run($"query {type} nosort\nSELECT {expression}\n----\n{expected}\n");
        Assert.That(report.Failed, Is.Zero, Describe(report));
        Assert.That(report.Passed, Is.EqualTo(1));
    }

    [TestCase(0.0, "0.000")]
    [TestCase(-0.0, "0.000")]
    [TestCase(5.0, "5.000")]
    [TestCase(-2.5, "-2.500")]
    [TestCase(1.0 / 3, "0.333")]
    [TestCase(2.0 / 3, "0.667")]
    [TestCase(1.0625, "1.063")] // an exact binary tie: SQLite rounds half up, .NET's F3 to even (1.062)
    [TestCase(-22.5625, "-22.563")]
    [TestCase(0.0004, "0.000")]
    [TestCase(0.0006, "0.001")]
    [TestCase(-1e-9, "-0.000")]
    [TestCase(-9.2233720368547758e18, "-9223372036854776000.000")] // 16 significant digits, then zeros
    [TestCase(double.PositiveInfinity, "Inf")]
    [TestCase(double.NegativeInfinity, "-Inf")]
    public void RealsRenderAsSqlitePrintfPercentPoint3F(double value, string expected) =>
        Assert.That(ResultFormat.FormatReal(value), Is.EqualTo(expected));

    [Test]
    public void RealFormattingAgreesAcrossThreads()
    {
        var values = Enumerable.Range(0, 2000).Select(i => i / 16.0 - 60).ToArray();
        var expected = values.Select(ResultFormat.FormatReal).ToArray();
        var results = new string[4][];
        Parallel.For(0, results.Length, t => results[t] = values.Select(ResultFormat.FormatReal).ToArray());
        Assert.That(results, Has.All.EqualTo(expected));
    }

    [Test]
    public void TextFormattingOnBytes()
    {
        Assert.That(ResultFormat.FormatText(""u8), Is.EqualTo("(empty)"));
        Assert.That(ResultFormat.FormatText("x\u0001y"), Is.EqualTo("x@y"));
        Assert.That(ResultFormat.FormatText("ab\0cd"u8), Is.EqualTo("ab"));
        Assert.That(ResultFormat.FormatText("\u00ff"), Is.EqualTo("@@"));
        Assert.That(ResultFormat.FormatInteger(-12), Is.EqualTo("-12"));
    }

    // ---- skipif, onlyif, halt and the script format ----------------------------------------

    [Test]
    public void SkipifAndOnlyifMatchTheEngineNameSqlite()
    {
        var report = Run("""
            skipif sqlite
            statement ok
            THIS IS NOT SQL

            onlyif mysql
            statement ok
            NOR IS THIS

            onlyif SQLite
            query I nosort
            SELECT 1
            ----
            1

            skipif mysql
            skipif mssql # a comment after the engine
            query I nosort
            SELECT 2
            ----
            2

            onlyif sqlite
            skipif sqlite
            statement ok
            STILL NOT SQL
            """);
        Assert.That(report.Failed, Is.Zero, Describe(report));
        Assert.That(report.Passed, Is.EqualTo(2));
        Assert.That(report.Skipped, Is.EqualTo(3));
    }

    [Test]
    public void HaltStopsTheScript()
    {
        var report = Run("""
            statement ok
            SELECT 1

            onlyif mysql
            halt

            statement ok
            SELECT 2

            halt

            statement ok
            NOT SQL
            """);
        Assert.That(report.Failed, Is.Zero, Describe(report));
        Assert.That(report.Passed, Is.EqualTo(2));
        Assert.That(report.HaltedAt, Is.EqualTo(10));
    }

    [Test]
    public void CommentsCrLfAndBlankLookingLinesAreReadAsTheReferenceReadsThem()
    {
        var script = "# leading comment\r\nstatement ok\r\n# a comment inside the record\r\nCREATE TABLE t(x)\r\n  \t \r\n" +
                     "statement ok\r\nINSERT INTO t VALUES('a ')\r\n\r\n\r\nquery T nosort\r\nSELECT x || '|' FROM t\r\n# comment\r\n----\r\na |\r\n";
        var report = Run(script);
        Assert.That(report.Failed, Is.Zero, Describe(report));
        Assert.That(report.Passed, Is.EqualTo(3));
    }

    [Test]
    public void AnUnknownRecordTypeFailsAndStopsTheScript()
    {
        var report = Run("statement ok\nSELECT 1\n\nqueryx I\nSELECT 1\n\nstatement ok\nNOT SQL\n");
        Assert.That(report.Passed, Is.EqualTo(1));
        Assert.That(report.Failed, Is.EqualTo(1));
        Assert.That(report.Failures[0].Message, Does.Contain("unknown record type: 'queryx'"));
    }

    [Test]
    public void AnUnknownSortModeFails()
    {
        var report = Run("query I bogosort\nSELECT 1\n----\n1\n");
        Assert.That(report.Failed, Is.EqualTo(1));
        Assert.That(report.Failures[0].Message, Does.Contain("unknown sort method"));

        // Several things wrong with one record still count as one failed record.
        var both = Run("query I bogosort\nSELECT 1\n----\n2\n");
        Assert.That(both.Failed, Is.EqualTo(1));
        Assert.That(both.Failures[0].Message, Does.Contain("unknown sort method").And.Contain("wrong result"));
    }

    [Test]
    public void TheReaderTokenizesAtMostFourTokens()
    {
        var reader = new ScriptReader("  query\tIII   rowsort label-9 extra\n");
        Assert.That(reader.FindStartOfNextRecord(), Is.True);
        reader.Tokenize();
        Assert.That(reader.Tokens, Is.EqualTo(new[] { "query", "III", "rowsort", "label-9" }));
        Assert.That(reader.StartLine, Is.EqualTo(1));
    }

    [TestCase("12 values hashing to 0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef")]
    [TestCase("  3 values  hashing to abc", "abc")]
    [TestCase("values hashing to abc", null)]
    [TestCase("3 value hashing to abc", null)]
    public void HashLinesParseAsSscanfWould(string line, string? hash) =>
        Assert.That(SltRunner.TryParseHashLine(line), Is.EqualTo(hash));

    [TestCase("8", 8)]
    [TestCase(" 12x", 12)]
    [TestCase("", 0)]
    [TestCase("-3", -3)]
    public void AtoiAsC(string text, int value) => Assert.That(SltRunner.Atoi(text), Is.EqualTo(value));
}
