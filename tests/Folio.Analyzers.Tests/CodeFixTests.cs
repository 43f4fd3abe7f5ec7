using NUnit.Framework;

namespace Folio.Analyzers.Tests;

/// <summary>
/// Each fix applied to a diagnostic, with the fixed code compiled (generator included) to check it
/// no longer has the diagnostic nor any compiler error.
/// </summary>
public class CodeFixTests
{
    private const string BadPageSize = """
        using Folio;

        [PagedDatabase(Name = "notes", PageSize = {|FOLIO001:3000|})]
        [MemoryStorage]
        public partial class Db { }
        """;

    [Test]
    public Task FOLIO001_SmallerNeighbour() => Verify.CodeFix<PageSizeCodeFix>(BadPageSize, """
        using Folio;

        [PagedDatabase(Name = "notes", PageSize = 2048)]
        [MemoryStorage]
        public partial class Db { }
        """, "FOLIO001.Smaller");

    [Test]
    public Task FOLIO001_LargerNeighbour() => Verify.CodeFix<PageSizeCodeFix>(BadPageSize, """
        using Folio;

        [PagedDatabase(Name = "notes", PageSize = 4096)]
        [MemoryStorage]
        public partial class Db { }
        """, "FOLIO001.Larger");

    [Test]
    public Task FOLIO001_OutOfRangeHasOneNeighbour() => Verify.CodeFix<PageSizeCodeFix>("""
        using Folio;

        [PagedDatabase(PageSize = {|FOLIO001:1 << 20|})]
        [MemoryStorage]
        public partial class Db { }
        """, """
        using Folio;

        [PagedDatabase(PageSize = 65536)]
        [MemoryStorage]
        public partial class Db { }
        """, "FOLIO001.Nearest");

    [Test]
    public Task FOLIO002_MakesTheClassPartial() => Verify.CodeFix<PartialTypeCodeFix>("""
        using Folio;

        namespace App;

        [PagedDatabase]
        [MemoryStorage]
        public sealed class {|FOLIO002:Db|} { }

        [PagedDatabase]
        [MemoryStorage]
        class {|FOLIO002:Bare|} { }
        """, """
        using Folio;

        namespace App;

        [PagedDatabase]
        [MemoryStorage]
        public sealed partial class Db { }

        [PagedDatabase]
        [MemoryStorage]
        partial class Bare { }
        """, "FOLIO002");

    [Test]
    public Task FOLIO002_MakesContainingTypesPartial() => Verify.CodeFix<PartialTypeCodeFix>("""
        using Folio;

        public static class {|FOLIO002:Outer|}
        {
            internal record {|FOLIO002:Middle|}
            {
                [PagedDatabase]
                [MemoryStorage]
                public partial class Db { }
            }
        }
        """, """
        using Folio;

        public static partial class Outer
        {
            internal partial record Middle
            {
                [PagedDatabase]
                [MemoryStorage]
                public partial class Db { }
            }
        }
        """, "FOLIO002");

    private const string NoStorage = """
        using Folio;

        [PagedDatabase(PageSize = 8192)]
        [Migration(1, "CREATE TABLE t(x)")]
        public partial class {|FOLIO003:Db|}
        {
            [Query("SELECT count(*) FROM t")]
            public partial long Count();
        }
        """;

    [Test]
    public Task FOLIO003_AddsFileStorage() => Verify.CodeFix<StorageCodeFix>(NoStorage.Replace("Count()", "{|CS8795:Count|}()", StringComparison.Ordinal), """
        using Folio;

        [PagedDatabase(PageSize = 8192)]
        [FileStorage]
        [Migration(1, "CREATE TABLE t(x)")]
        public partial class Db
        {
            [Query("SELECT count(*) FROM t")]
            public partial long Count();
        }
        """, "FOLIO003.FileStorage");

    [Test]
    public Task FOLIO003_AddsMemoryStorage() => Verify.CodeFix<StorageCodeFix>(NoStorage.Replace("Count()", "{|CS8795:Count|}()", StringComparison.Ordinal), """
        using Folio;

        [PagedDatabase(PageSize = 8192)]
        [MemoryStorage]
        [Migration(1, "CREATE TABLE t(x)")]
        public partial class Db
        {
            [Query("SELECT count(*) FROM t")]
            public partial long Count();
        }
        """, "FOLIO003.MemoryStorage");

    [Test]
    public Task FOLIO003_QualifiesTheAttributeWithoutAUsingDirective() => Verify.CodeFix<StorageCodeFix>("""
        namespace App
        {
            [Folio.PagedDatabase]
            internal partial class {|FOLIO003:Db|} { }
        }
        """, """
        namespace App
        {
            [Folio.PagedDatabase]
            [Folio.MemoryStorage]
            internal partial class Db { }
        }
        """, "FOLIO003.MemoryStorage");

    [Test]
    public Task FOLIO101_MakesTheMethodPartial() => Verify.CodeFix<PartialMethodCodeFix>("""
        using Folio;

        [PagedDatabase]
        [MemoryStorage]
        [Migration(1, "CREATE TABLE t(x)")]
        public partial class Db
        {
            [Query("SELECT count(*) FROM t")]
            public long {|FOLIO101:Count|}() => 0;

            [Execute("DELETE FROM t")]
            internal int {|FOLIO101:Clear|}()
            {
                return 0;
            }

            [Query("SELECT max(x) FROM t")]
            long? {|FOLIO101:Max|}() { return null; }

            public long? Use() => Max();
        }
        """, """
        using Folio;

        [PagedDatabase]
        [MemoryStorage]
        [Migration(1, "CREATE TABLE t(x)")]
        public partial class Db
        {
            [Query("SELECT count(*) FROM t")]
            public partial long Count();

            [Execute("DELETE FROM t")]
            internal partial int Clear();

            [Query("SELECT max(x) FROM t")]
            private partial long? Max();

            public long? Use() => Max();
        }
        """, "FOLIO101");

    private const string UnknownParameter = """
        using System.Threading;
        using Folio;

        [PagedDatabase]
        [MemoryStorage]
        [Migration(1, "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT)")]
        public partial class Db
        {
            [Query({|FOLIO102:"SELECT id FROM t WHERE name = $name"|})]
            public partial long? {|CS8795:Find|}(string {|FOLIO103:text|}, CancellationToken cancellationToken);

            public long? Use() => Find(text: "a", CancellationToken.None);
        }
        """;

    [Test]
    public Task FOLIO102_RenamesAnUnusedParameter() => Verify.CodeFix<SqlParameterCodeFix>(UnknownParameter, """
        using System.Threading;
        using Folio;

        [PagedDatabase]
        [MemoryStorage]
        [Migration(1, "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT)")]
        public partial class Db
        {
            [Query("SELECT id FROM t WHERE name = $name")]
            public partial long? Find(string name, CancellationToken cancellationToken);

            public long? Use() => Find(name: "a", CancellationToken.None);
        }
        """, "FOLIO102.Rename.text.name");

    [Test]
    public Task FOLIO102_AddsTheParameterBeforeTheCancellationToken() => Verify.CodeFix<SqlParameterCodeFix>(
        UnknownParameter.Replace("Find(text: \"a\", CancellationToken.None)", "Find(\"a\", \"b\", CancellationToken.None)", StringComparison.Ordinal)
            .Replace("Find(\"a\", \"b\"", "{|CS1501:Find|}(\"a\", \"b\"", StringComparison.Ordinal), """
        using System.Threading;
        using Folio;

        [PagedDatabase]
        [MemoryStorage]
        [Migration(1, "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT)")]
        public partial class Db
        {
            [Query("SELECT id FROM t WHERE name = $name")]
            public partial long? Find(string {|FOLIO103:text|}, string name, CancellationToken cancellationToken);

            public long? Use() => Find("a", "b", CancellationToken.None);
        }
        """, "FOLIO102.Add.name");

    [Test]
    public Task FOLIO107_QueryBecomesExecute() => Verify.CodeFix<SwapAttributeCodeFix>("""
        using System.Collections.Generic;
        using Folio;

        [PagedDatabase]
        [MemoryStorage]
        [Migration(1, "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT)")]
        public partial class Db
        {
            [{|FOLIO107:Query|}("INSERT INTO t(name) VALUES ($name)")]
            public partial List<long> Add(string name);

            [{|FOLIO107:Folio.QueryAttribute|}("DELETE FROM t")]
            public partial int Clear();
        }
        """, """
        using System.Collections.Generic;
        using Folio;

        [PagedDatabase]
        [MemoryStorage]
        [Migration(1, "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT)")]
        public partial class Db
        {
            [Execute("INSERT INTO t(name) VALUES ($name)")]
            public partial int Add(string name);

            [Folio.ExecuteAttribute("DELETE FROM t")]
            public partial int Clear();
        }
        """, "FOLIO107.Execute");

    [Test]
    public Task FOLIO107_ExecuteBecomesQuery() => Verify.CodeFix<SwapAttributeCodeFix>("""
        using Folio;

        [PagedDatabase]
        [MemoryStorage]
        [Migration(1, "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT)")]
        public partial class Db
        {
            [{|FOLIO107:Execute|}("SELECT count(*) FROM t")]
            public partial int Count();
        }
        """, """
        using Folio;

        [PagedDatabase]
        [MemoryStorage]
        [Migration(1, "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT)")]
        public partial class Db
        {
            [Query("SELECT count(*) FROM t")]
            public partial int Count();
        }
        """, "FOLIO107.Query");
}
