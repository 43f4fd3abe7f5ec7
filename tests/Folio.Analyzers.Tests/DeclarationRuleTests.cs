using Microsoft.CodeAnalysis.Testing;
using NUnit.Framework;

namespace Folio.Analyzers.Tests;

/// <summary>FOLIO001–FOLIO009 and FOLIO201: each reported where it applies, with a message naming the value, and quiet on valid code.</summary>
public class DeclarationRuleTests
{
    [TestCase(3000, "nearest valid sizes are 2048 and 4096")]
    [TestCase(5000, "nearest valid sizes are 4096 and 8192")]
    [TestCase(100, "the nearest valid size is 512")]
    [TestCase(0, "the nearest valid size is 512")]
    [TestCase(131072, "the nearest valid size is 65536")]
    public Task FOLIO001_InvalidPageSize(int size, string advice) => Verify.Analyzer($$"""
        using Folio;

        [PagedDatabase(PageSize = {|#0:{{size}}|})]
        [MemoryStorage]
        public partial class Db { }
        """, Verify.Diagnostic("FOLIO001").WithLocation(0)
        .WithMessage($"PageSize {size} of 'Db' is not a power of two from 512 to 65536; {advice}"));

    [Test]
    public Task FOLIO001_ConstantExpressionsAreEvaluated() => Verify.Analyzer("""
        using Folio;

        public static class Sizes { public const int Page = 4000; }

        [PagedDatabase(Name = "x", PageSize = {|#0:Sizes.Page + 100|})]
        [MemoryStorage]
        public partial class Db { }
        """, Verify.Diagnostic("FOLIO001").WithLocation(0)
        .WithMessage("PageSize 4100 of 'Db' is not a power of two from 512 to 65536; nearest valid sizes are 4096 and 8192"));

    [TestCase(512)]
    [TestCase(1024)]
    [TestCase(4096)]
    [TestCase(65536)]
    public Task FOLIO001_ValidPageSizesAreQuiet(int size) => Verify.Analyzer($$"""
        using Folio;

        [PagedDatabase(PageSize = {{size}})]
        [MemoryStorage]
        public partial class Db { }

        [PagedDatabase]
        [MemoryStorage]
        public partial class DefaultSize { }
        """);

    [Test]
    public Task FOLIO002_ClassNotPartial() => Verify.Analyzer("""
        using Folio;

        [PagedDatabase]
        [MemoryStorage]
        public class {|#0:Db|} { }
        """, Verify.Diagnostic("FOLIO002").WithLocation(0)
        .WithMessage("'Db' must be declared partial so Folio can add its VFS, Open methods and typed methods"));

    [Test]
    public Task FOLIO002_ContainingTypesNotPartial() => Verify.Analyzer("""
        using Folio;

        public class {|#0:Outer|}
        {
            public partial class Middle
            {
                public struct {|#1:Holder|}
                {
                    [PagedDatabase]
                    [MemoryStorage]
                    public partial class Db { }
                }
            }
        }
        """,
        Verify.Diagnostic("FOLIO002").WithLocation(0).WithMessage("'Outer' must be declared partial so Folio can add the generated members of the database class 'Db' nested in it"),
        Verify.Diagnostic("FOLIO002").WithLocation(1).WithMessage("'Holder' must be declared partial so Folio can add the generated members of the database class 'Db' nested in it"));

    [Test]
    public Task FOLIO002_PartialAllTheWayIsQuiet() => Verify.Analyzer("""
        using Folio;

        public partial class Outer
        {
            public partial record Middle
            {
                [PagedDatabase]
                [MemoryStorage]
                public sealed partial class Db { }
            }
        }
        """);

    [Test]
    public Task FOLIO003_NoStorageAttribute() => Verify.Analyzer("""
        using Folio;

        [PagedDatabase]
        public partial class {|#0:Db|} { }
        """, Verify.Diagnostic("FOLIO003").WithLocation(0)
        .WithMessage("'Db' has no storage attribute; add one such as [FileStorage], [MemoryStorage] or [PageStorage(typeof(MyStore))]"));

    [Test]
    public Task FOLIO003_StorageInAnotherPartIsQuiet() => Verify.Analyzer("""
        using Folio;

        [PagedDatabase]
        public partial class Db { }

        [FileStorage(Path = "data/db")]
        public partial class Db { }
        """);

    [Test]
    public Task FOLIO004_SeveralStorageAttributes() => Verify.Analyzer("""
        using Folio;

        [PagedDatabase]
        [MemoryStorage]
        [{|#0:FileStorage|}]
        public partial class Db { }
        """, Verify.Diagnostic("FOLIO004").WithLocation(0)
        .WithMessage("'Db' has several storage attributes ([MemoryStorage], [FileStorage]); keep exactly one"));

    private const string Stores = """
        using Folio;
        using Folio.Storage;

        public struct StructStore : IPageStore
        {
            public string Name => "s";
            public int PageSize => 4096;
            public StoreHead GetHead() => default;
            public IPageStoreReader BeginRead(long knownVersion) => throw new System.NotSupportedException();
            public long Commit(StoreCommit commit) => 0;
            public void Dispose() { }
        }

        public static class StaticStore { }

        internal sealed class InternalStore : IPageStore
        {
            public string Name => "s";
            public int PageSize => 4096;
            public StoreHead GetHead() => default;
            public IPageStoreReader BeginRead(long knownVersion) => throw new System.NotSupportedException();
            public long Commit(StoreCommit commit) => 0;
            public void Dispose() { }
        }

        """;

    [TestCase("string", "String", "it does not implement Folio.Storage.IPageStore")]
    [TestCase("StructStore", "StructStore", "it is a value type; a store must be a class or interface (the VFS keeps a reference to it)")]
    [TestCase("StaticStore", "StaticStore", "it is a static class; a store is an instance")]
    [TestCase("System.Collections.Generic.List<>", "List", "it is an open generic type; name its type arguments")]
    [TestCase("InternalStore", "InternalStore", "it is less accessible than 'Db', whose generated Open(InternalStore store) takes it")]
    public Task FOLIO005_UnusablePageStorageType(string type, string name, string why) => Verify.Analyzer(Stores + $$"""
        [PagedDatabase]
        [{|#0:PageStorage(typeof({{type}}))|}]
        public partial class Db { }
        """, Verify.Diagnostic("FOLIO005").WithLocation(0)
        .WithMessage($"[PageStorage(typeof({name}))] on 'Db' cannot be used: {why}"));

    [Test]
    public Task FOLIO005_UsableStoreTypesAreQuiet() => Verify.Analyzer(Stores + """
        [PagedDatabase]
        [PageStorage(typeof(IPageStore))]
        public partial class AnyStore { }

        [PagedDatabase]
        [PageStorage(typeof(MemoryPageStore))]
        public partial class Memory { }

        [PagedDatabase]
        [PageStorage(typeof(InternalStore))]
        internal partial class InternalDb { }
        """);

    [Test]
    public Task FOLIO006_BadMigrationVersions() => Verify.Analyzer("""
        using Folio;

        [PagedDatabase]
        [MemoryStorage]
        [Migration(1, "CREATE TABLE a(x)")]
        [{|#0:Migration(1, "CREATE TABLE b(x)")|}]
        [{|#1:Migration(0, "CREATE TABLE c(x)")|}]
        [{|#2:Migration(2, "  ")|}]
        [{|#3:Migration(5, "CREATE TABLE d(x)")|}]
        public partial class Db { }

        [PagedDatabase]
        [MemoryStorage]
        [{|#4:Migration(2, "CREATE TABLE a(x)")|}]
        [Migration(3, "CREATE TABLE b(x)")]
        public partial class LateStart { }
        """,
        Verify.Diagnostic("FOLIO006").WithLocation(0).WithMessage("Migration 1 of 'Db' is invalid: another migration has version 1"),
        Verify.Diagnostic("FOLIO006").WithLocation(1).WithMessage("Migration 0 of 'Db' is invalid: versions must be positive"),
        Verify.Diagnostic("FOLIO006").WithLocation(2).WithMessage("Migration 2 of 'Db' is invalid: its SQL is empty"),
        Verify.Diagnostic("FOLIO006").WithLocation(3).WithMessage("Migration 5 of 'Db' is invalid: versions must count up from 1 without gaps, and versions 3 to 4 are missing"),
        Verify.Diagnostic("FOLIO006").WithLocation(4).WithMessage("Migration 2 of 'LateStart' is invalid: versions must count up from 1 without gaps, and version 1 is missing"));

    [Test]
    public Task FOLIO006_VersionsFromOneWithoutGapsAreQuiet() => Verify.Analyzer("""
        using Folio;

        [PagedDatabase]
        [MemoryStorage]
        [Migration(3, "CREATE TABLE c(x)")]
        [Migration(1, "CREATE TABLE a(x)")]
        [Migration(2, "CREATE TABLE b(x); CREATE INDEX b_x ON b(x)")]
        public partial class Db { }

        [PagedDatabase]
        [MemoryStorage]
        public partial class NoMigrations { }
        """);

    [Test]
    public Task FOLIO007_UnsupportedClassShapes() => Verify.Analyzer("""
        using Folio;

        [PagedDatabase]
        [MemoryStorage]
        public partial class {|#0:Generic|}<T> { }

        [PagedDatabase]
        [MemoryStorage]
        public abstract partial class {|#1:Abstract|} { }

        public partial class Holder<T>
        {
            [PagedDatabase]
            [MemoryStorage]
            public partial class {|#2:Inner|} { }
        }
        """,
        Verify.Diagnostic("FOLIO007").WithLocation(0).WithMessage("'Generic' cannot be a Folio database: it must not be generic ([UnmanagedCallersOnly] VFS entry points cannot live in generic types)"),
        Verify.Diagnostic("FOLIO007").WithLocation(1).WithMessage("'Abstract' cannot be a Folio database: it must be a non-static, non-abstract class"),
        Verify.Diagnostic("FOLIO007").WithLocation(2).WithMessage("'Inner' cannot be a Folio database: it must not be nested in generic type 'Holder' ([UnmanagedCallersOnly] VFS entry points cannot live in generic types)"));

    [Test]
    public Task FOLIO008_UnsafeCodeNotAllowed() => Verify.Analyzer("""
        using Folio;

        [PagedDatabase]
        [MemoryStorage]
        public partial class {|#0:Db|} { }

        public class NotADatabase { }
        """, allowUnsafe: false, Verify.Diagnostic("FOLIO008").WithLocation(0)
        .WithMessage("'Db' needs <AllowUnsafeBlocks>true</AllowUnsafeBlocks> in the project: its VFS entry points are function pointers"));

    [Test]
    public Task FOLIO008_ProjectsWithoutDatabasesNeedNoUnsafeCode() => Verify.Analyzer("""
        public class NotADatabase { }
        """, allowUnsafe: false);

    [Test]
    public Task FOLIO009_TwoClassesShareAVfsName() => Verify.Analyzer("""
        using Folio;

        namespace A
        {
            [PagedDatabase(Name = "shared")]
            [MemoryStorage]
            public partial class First { }
        }

        namespace B
        {
            [PagedDatabase(Name = "shared")]
            [MemoryStorage]
            public partial class {|#0:Second|} { }

            [PagedDatabase(Name = "other")]
            [MemoryStorage]
            public partial class Third { }
        }
        """, Verify.Diagnostic("FOLIO009").WithLocation(0)
        .WithMessage("'B.Second' registers VFS 'shared', as 'A.First' does; give one of them [PagedDatabase(Name = ...)] a name of its own"));

    [Test]
    public Task FOLIO201_StorageAttributeWithoutAUsableFactory() => Verify.Analyzer("""
        using System;
        using Folio;

        [AttributeUsage(AttributeTargets.Class)]
        public sealed class NoFactoryStorageAttribute : StorageAttribute { }

        [StoreFactory(typeof(UselessFactory))]
        [AttributeUsage(AttributeTargets.Class)]
        public sealed class UselessStorageAttribute : StorageAttribute { }

        public static class UselessFactory
        {
            public static Folio.Storage.MemoryPageStore Create(string name) => new(name);
        }

        [PagedDatabase]
        [{|#0:NoFactoryStorage|}]
        public partial class A { }

        [PagedDatabase]
        [{|#1:UselessStorage|}]
        public partial class B { }
        """,
        Verify.Diagnostic("FOLIO201").WithLocation(0).WithMessage("Storage attribute 'NoFactoryStorageAttribute' on 'A' has no usable store factory: NoFactoryStorageAttribute has no [StoreFactory(typeof(...))] attribute"),
        Verify.Diagnostic("FOLIO201").WithLocation(1).WithMessage("Storage attribute 'UselessStorageAttribute' on 'B' has no usable store factory: UselessFactory has no public static method whose last parameter is 'int pageSize' and whose return type implements Folio.Storage.IPageStore"));

    [Test]
    public Task FOLIO201_ThirdPartyStorageWithAFactoryIsQuiet() => Verify.Analyzer("""
        using System;
        using Folio;

        [StoreFactory(typeof(CacheFactory))]
        [AttributeUsage(AttributeTargets.Class)]
        public sealed class CacheStorageAttribute : StorageAttribute { }

        public static class CacheFactory
        {
            public static Folio.Storage.MemoryPageStore Create(string name, int pageSize) => new(name, pageSize);
        }

        [PagedDatabase]
        [CacheStorage]
        public partial class Db { }
        """);
}
