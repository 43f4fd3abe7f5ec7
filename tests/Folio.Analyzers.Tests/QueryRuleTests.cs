using Microsoft.CodeAnalysis.Testing;
using NUnit.Framework;

namespace Folio.Analyzers.Tests;

/// <summary>
/// FOLIO101–FOLIO108 on [Query] and [Execute] methods. A method the generator skips keeps no body,
/// so the compiler's CS8795 ("must have an implementation part") appears beside the Folio rule
/// that says why; the tests expect both.
/// </summary>
public class QueryRuleTests
{
    private static DiagnosticResult NoImplementation(int location) => DiagnosticResult.CompilerError("CS8795").WithLocation(location);

    private static string Database(string members) => $$"""
        using System.Collections.Generic;
        using System.Threading;
        using Folio;

        [PagedDatabase]
        [MemoryStorage]
        [Migration(1, "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT)")]
        public partial class Db
        {
        {{members}}
        }
        """;

    [Test]
    public Task FOLIO101_MethodsThatCannotBeGenerated() => Verify.Analyzer(Database("""
            [Query("SELECT 1")]
            public int {|#0:NotPartial|}() => 1;

            [Query("SELECT 1")]
            public static partial int {|#1:Static|}();

            [Query("SELECT 1")]
            public partial T {|#2:Generic|}<T>();

            [Query("SELECT 1")]
            [Execute("SELECT 1")]
            public partial int {|#3:Both|}();

            [Query("SELECT 1")]
            public partial int {|#4:WithBody|}();

            public partial int WithBody() => 1;
        """),
        Verify.Diagnostic("FOLIO101").WithLocation(0).WithMessage("'Db.NotPartial' cannot get a generated body: it is not declared partial (declare it partial, without a body)"),
        Verify.Diagnostic("FOLIO101").WithLocation(1).WithMessage("'Db.Static' cannot get a generated body: it is static"),
        NoImplementation(1),
        Verify.Diagnostic("FOLIO101").WithLocation(2).WithMessage("'Db.Generic' cannot get a generated body: it is generic"),
        NoImplementation(2),
        Verify.Diagnostic("FOLIO101").WithLocation(3).WithMessage("'Db.Both' cannot get a generated body: it has both [Query] and [Execute]; keep one"),
        NoImplementation(3),
        Verify.Diagnostic("FOLIO101").WithLocation(4).WithMessage("'Db.WithBody' cannot get a generated body: it already has a body"));

    [Test]
    public Task FOLIO101_TypedMethodOutsideADatabaseClass() => Verify.Analyzer("""
        using Folio;

        public partial class Plain
        {
            [Query("SELECT 1")]
            public partial long {|#0:Count|}();

            [Execute("DELETE FROM t")]
            partial void Clear();

            [Folio.Execute("DELETE FROM t")]
            partial void {|#1:ClearToo|}();

            public void Use() { Clear(); ClearToo(); }
        }
        """,
        Verify.Diagnostic("FOLIO101").WithLocation(0).WithMessage("'Plain.Count' cannot get a generated body: [Query] methods belong to a [PagedDatabase] class, and 'Plain' is not one"),
        NoImplementation(0),
        Verify.Diagnostic("FOLIO101").WithSpan(9, 18, 9, 23).WithMessage("'Plain.Clear' cannot get a generated body: [Execute] methods belong to a [PagedDatabase] class, and 'Plain' is not one"),
        Verify.Diagnostic("FOLIO101").WithLocation(1).WithMessage("'Plain.ClearToo' cannot get a generated body: [Execute] methods belong to a [PagedDatabase] class, and 'Plain' is not one"));

    [Test]
    public Task FOLIO101_PartialDeclarationsAreQuiet() => Verify.Analyzer(Database("""
            [Query("SELECT count(*) FROM t")]
            public partial long Count();

            [Execute("DELETE FROM t")]
            internal partial void Clear();

            [Query("SELECT name FROM t WHERE id = $id")]
            private partial string? Name(long id);

            public string? Use(long id) { Clear(); return Name(id); }
        """));

    [Test]
    public Task FOLIO102_SqlParameterWithoutAMethodParameter() => Verify.Analyzer(Database("""
            [Query({|#0:"SELECT name FROM t WHERE id = $missing"|})]
            public partial string {|#1:Find|}(long {|#2:present|});

            [Query({|#3:"SELECT name FROM t WHERE id = ?"|})]
            public partial string {|#4:Positional|}();
        """),
        Verify.Diagnostic("FOLIO102").WithLocation(0).WithMessage("SQL parameter '$missing' of 'Db.Find' matches no parameter of the method"),
        NoImplementation(1),
        Verify.Diagnostic("FOLIO103").WithLocation(2).WithArguments("present", "Db.Find"),
        Verify.Diagnostic("FOLIO102").WithLocation(3).WithMessage("SQL parameter '?' of 'Db.Positional' matches no parameter of the method: positional parameters cannot be bound; name it after a method parameter ($x, :x or @x)"),
        NoImplementation(4));

    [Test]
    public Task FOLIO102_EveryPrefixAndCaseInsensitiveNamesBind() => Verify.Analyzer(Database("""
            [Query("SELECT name FROM t WHERE id = $id OR id = :other OR id = @third OR name = $Name")]
            public partial List<string> Find(long id, long other, long third, string name);

            [Query("SELECT 'not $a parameter', \"$nor\" FROM t -- $nor this\n/* $nor :this */")]
            public partial List<string> Literals();
        """));

    [Test]
    public Task FOLIO103_ParameterNotUsedBySql() => Verify.Analyzer(Database("""
            [Execute("DELETE FROM t")]
            public partial void Clear(long {|#0:unused|}, CancellationToken cancellationToken);
        """), Verify.Diagnostic("FOLIO103").WithLocation(0)
        .WithMessage("Parameter 'unused' of 'Db.Clear' is not used by its SQL (refer to it as $unused, :unused or @unused)"));

    [Test]
    public Task FOLIO104_UnsupportedParameters() => Verify.Analyzer(Database("""
            [Query("SELECT name FROM t WHERE id = $ids")]
            public partial string {|#0:ListParameter|}(List<int> {|#1:ids|});

            [Query("SELECT name FROM t WHERE id = $id")]
            public partial string {|#2:RefParameter|}(ref long {|#3:id|});

            [Query("SELECT name FROM t WHERE id = $id")]
            public partial string {|#4:TwoTokens|}(long id, CancellationToken one, CancellationToken {|#5:two|});
        """),
        Verify.Diagnostic("FOLIO104").WithLocation(1).WithMessage("Parameter 'ids' of 'Db.ListParameter' cannot be bound: 'global::System.Collections.Generic.List<int>' is not a supported type (integers, bool, double, float, decimal, string, byte[], ReadOnlyMemory<byte>, Guid, DateTime, DateTimeOffset, DateOnly, TimeOnly, enums and their nullable forms)"),
        NoImplementation(0),
        Verify.Diagnostic("FOLIO104").WithLocation(3).WithMessage("Parameter 'id' of 'Db.RefParameter' cannot be bound: ref, out and params parameters cannot be bound"),
        NoImplementation(2),
        Verify.Diagnostic("FOLIO104").WithLocation(5).WithMessage("Parameter 'two' of 'Db.TwoTokens' cannot be bound: a method takes at most one CancellationToken"),
        NoImplementation(4));

    [Test]
    public Task FOLIO105_UnsupportedReturnTypes() => Verify.Analyzer("""
        using System.Collections.Generic;
        using Folio;

        public sealed class NoConstructor
        {
            private NoConstructor() { }
        }

        [PagedDatabase]
        [MemoryStorage]
        public partial class Db
        {
            [Query("SELECT 1")]
            public partial {|#0:Dictionary<int, int>|} {|#1:Map|}();

            [Query("SELECT 1")]
            public partial {|#2:NoConstructor|} {|#3:Row|}();

            [Execute("DELETE FROM t")]
            public partial {|#4:long|} {|#5:Deleted|}();

            [Query("SELECT 1")]
            public partial {|#6:void|} {|#7:Nothing|}();
        }
        """,
        Verify.Diagnostic("FOLIO105").WithLocation(0).WithMessage("'Db.Map' cannot return 'global::System.Collections.Generic.Dictionary<int, int>': 'global::System.Collections.Generic.Dictionary<int, int>' is neither a supported value type, a tuple, nor a concrete class, record or struct of the application (collections are List<T>, IReadOnlyList<T> or IEnumerable<T>)"),
        NoImplementation(1),
        Verify.Diagnostic("FOLIO105").WithLocation(2).WithMessage("'Db.Row' cannot return 'global::NoConstructor': 'global::NoConstructor' has no public constructor"),
        NoImplementation(3),
        Verify.Diagnostic("FOLIO105").WithLocation(4).WithMessage("'Db.Deleted' cannot return 'long': an [Execute] method returns void or int (the rows changed); use [Query] to read rows"),
        NoImplementation(5),
        Verify.Diagnostic("FOLIO105").WithLocation(6).WithMessage("'Db.Nothing' cannot return 'void': a [Query] method returns its rows; use [Execute] for statements run for their effect"),
        NoImplementation(7));

    [Test]
    public Task FOLIO105_SupportedReturnShapesAreQuiet() => Verify.Analyzer("""
        using System.Collections.Generic;
        using Folio;

        public sealed record Row(long Id, string? Name);

        public sealed class Settable
        {
            public long Id { get; set; }
            public string? Name { get; set; }
        }

        [PagedDatabase]
        [MemoryStorage]
        [Migration(1, "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT)")]
        public partial class Db
        {
            [Query("SELECT id, name FROM t")] public partial List<Row> All();
            [Query("SELECT id, name FROM t")] public partial IReadOnlyList<Settable> AllSettable();
            [Query("SELECT id, name FROM t")] public partial IEnumerable<(long Id, string? Name)> Stream();
            [Query("SELECT id, name FROM t WHERE id = $id")] public partial Row? Find(long id);
            [Query("SELECT count(*) FROM t")] public partial long Count();
            [Execute("DELETE FROM t")] public partial int Clear();
        }
        """);

    [Test]
    public Task FOLIO106_EmptySqlOrSeveralStatements() => Verify.Analyzer(Database("""
            [Query({|#0:"  -- nothing here\n /* nor here */ "|})]
            public partial long {|#1:Empty|}();

            [Query({|#2:"SELECT count(*) FROM t; SELECT 2"|})]
            public partial long {|#3:Two|}();

            [Execute({|#4:@"DELETE FROM t;
                DELETE FROM t WHERE id = 1 AND name = 'a; b' AND name <> ""still one""; DELETE FROM t"|})]
            public partial void {|#5:Three|}();
        """),
        Verify.Diagnostic("FOLIO106").WithLocation(0).WithMessage("The SQL of 'Db.Empty' is empty"),
        NoImplementation(1),
        Verify.Diagnostic("FOLIO106").WithLocation(2).WithMessage("The SQL of 'Db.Two' holds more than one statement ('SELECT 2' follows the first); a typed method runs exactly one"),
        NoImplementation(3),
        Verify.Diagnostic("FOLIO106").WithLocation(4).WithMessage("The SQL of 'Db.Three' holds more than one statement ('DELETE FROM t WHERE id = 1 AND name = 'a…' follows the first); a typed method runs exactly one"),
        NoImplementation(5));

    [Test]
    public Task FOLIO106_SemicolonsInLiteralsIdentifiersAndCommentsAreQuiet() => Verify.Analyzer(Database("""
            [Query("SELECT name FROM t WHERE name = 'a;b' OR name = \"x;y\" OR name = [p;q] OR name = `r;s` /* ; */ -- ;\n")]
            public partial List<string> Literals();

            [Execute("DELETE FROM t;  -- the trailing semicolon and comment are fine\n")]
            public partial void Trailing();
        """));

    [Test]
    public Task FOLIO107_AttributeDoesNotMatchTheStatement() => Verify.Analyzer(Database("""
            [{|#0:Execute|}("SELECT count(*) FROM t")]
            public partial int Count();

            [{|#1:Query|}("INSERT INTO t(name) VALUES ($name)")]
            public partial int Add(string name);

            [{|#2:Folio.Query|}("CREATE INDEX t_name ON t(name)")]
            public partial List<long> Index();

            [{|#3:Execute|}("WITH x(n) AS (SELECT 1) SELECT n FROM x")]
            public partial void Cte();
        """),
        Verify.Diagnostic("FOLIO107").WithLocation(0).WithMessage("'Db.Count' is marked [Execute] but its statement returns rows (SELECT); mark it [Query]"),
        Verify.Diagnostic("FOLIO107").WithLocation(1).WithMessage("'Db.Add' is marked [Query] but its statement returns no rows (INSERT without RETURNING); mark it [Execute]"),
        Verify.Diagnostic("FOLIO107").WithLocation(2).WithMessage("'Db.Index' is marked [Query] but its statement returns no rows (CREATE); mark it [Execute]"),
        Verify.Diagnostic("FOLIO107").WithLocation(3).WithMessage("'Db.Cte' is marked [Execute] but its statement returns rows (SELECT); mark it [Query]"));

    [Test]
    public Task FOLIO107_MatchingOrUndecidableStatementsAreQuiet() => Verify.Analyzer(Database("""
            [Query("INSERT INTO t(name) VALUES ($name) RETURNING id")]
            public partial long Add(string name);

            [Query("WITH x(n) AS (SELECT 1) SELECT n FROM x")]
            public partial List<long> Cte();

            [Execute("WITH old AS (SELECT id FROM t WHERE name IS NULL) DELETE FROM t WHERE id IN (SELECT id FROM old)")]
            public partial int Purge();

            [Execute("UPDATE t SET name = (SELECT 'x') WHERE id = $id")]
            public partial int Rename(long id);

            [Query("values (1), (2)")]
            public partial List<long> Values();

            [Execute("PRAGMA user_version = 3")]
            public partial void SetVersion();

            [Query("PRAGMA user_version")]
            public partial long Version();
        """));

    [Test]
    public Task FOLIO108_RowPropertiesNoColumnFills() => Verify.Analyzer(Database("""
            public sealed class Row { public long Id { get; set; } public string? Name { get; set; } public int Extra { get; set; } }
            public sealed record Person(long Id) { public string? Nickname { get; init; } }
            public sealed class Strict { public long Id { get; set; } public required string Label { get; set; } }

            [Query({|#0:"SELECT id, name FROM t ORDER BY id"|})]
            public partial List<Row> Rows();

            [Query({|#1:"SELECT t.id AS ID FROM t WHERE id = $id"|})]
            public partial Person? Find(long id);

            [Query({|#2:"INSERT INTO t(name) VALUES ($name) RETURNING id, name"|})]
            public partial Row Add(string name);

            [Query({|#3:"SELECT id FROM t"|})]
            public partial List<Strict> Labels();
        """),
        Verify.Diagnostic("FOLIO108").WithLocation(0).WithMessage("Property 'Extra' of 'Row' matches no column of 'Db.Rows' (columns: id, name); it keeps its default value"),
        Verify.Diagnostic("FOLIO108").WithLocation(1).WithMessage("Property 'Nickname' of 'Person' matches no column of 'Db.Find' (columns: ID); it keeps its default value"),
        Verify.Diagnostic("FOLIO108").WithLocation(2).WithMessage("Property 'Extra' of 'Row' matches no column of 'Db.Add' (columns: id, name); it keeps its default value"),
        Verify.Diagnostic("FOLIO108").WithLocation(3).WithMessage("Property 'Label' of 'Strict' matches no column of 'Db.Labels' (columns: id); it is required, so reading a row fails"));

    [Test]
    public Task FOLIO108_QuietWhenEveryPropertyIsFilledOrTheColumnsAreUnknown() => Verify.Analyzer(Database("""
            public sealed class Row { public long Id { get; set; } public string? FullName { get; set; } public int Computed => 1; }

            [Query("SELECT id, name AS full_name FROM t")]
            public partial List<Row> Aliased();

            [Query("WITH x AS (SELECT id, name FROM t) SELECT \"x\".id, [name] AS FullName FROM x UNION SELECT 1, 'a'")]
            public partial List<Row> Quoted();

            [Query("SELECT * FROM t")]
            public partial List<Row> Star();

            [Query("SELECT id, upper(name) FROM t")]
            public partial List<Row> Expression();

            [Query("SELECT count(*) AS Id, group_concat(name, ',') AS FullName FROM t")]
            public partial Row Summary();

            [Query("SELECT id, name FROM t")]
            public partial List<(long Id, string? Other)> Tuples();
        """));
}
