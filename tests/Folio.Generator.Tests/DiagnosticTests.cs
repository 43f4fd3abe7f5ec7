using NUnit.Framework;

namespace Folio.Generator.Tests;

/// <summary>
/// The generator never generates nothing silently: every class or method it skips comes with a
/// diagnostic saying why. Each case's diagnostics (and whatever it still generated) are snapshots.
/// </summary>
public class DiagnosticTests
{
    private static void VerifyDiagnostics(string source, bool allowUnsafe = true)
    {
        var (result, _) = GeneratorHarness.Run(source, allowUnsafe);
        Assert.That(result.Exception, Is.Null);
        Assert.That(result.Diagnostics, Is.Not.Empty);
        Snapshot.Verify(result);
    }

    [Test]
    public void ClassDeclarationProblems() => VerifyDiagnostics("""
        using Folio;
        using Folio.Storage;

        [PagedDatabase(PageSize = 3000)]
        [MemoryStorage]
        public partial class BadPageSize { }

        [PagedDatabase]
        [MemoryStorage]
        public class NotPartial { }

        [PagedDatabase]
        public partial class NoStorage { }

        [PagedDatabase]
        [MemoryStorage]
        [FileStorage]
        public partial class TwoStorages { }

        [PagedDatabase]
        [PageStorage(typeof(string))]
        public partial class NotAStore { }

        [PagedDatabase]
        [MemoryStorage]
        [Migration(1, "CREATE TABLE a(x)")]
        [Migration(1, "CREATE TABLE b(x)")]
        [Migration(0, "CREATE TABLE c(x)")]
        public partial class BadMigrations { }

        [PagedDatabase]
        [MemoryStorage]
        public partial class Generic<T> { }

        public class Outer
        {
            [PagedDatabase]
            [MemoryStorage]
            public partial class InNonPartial { }
        }
        """);

    [Test]
    public void UnsafeCodeMustBeAllowed() => VerifyDiagnostics("""
        using Folio;

        [PagedDatabase]
        [MemoryStorage]
        public partial class NeedsUnsafe { }
        """, allowUnsafe: false);

    [Test]
    public void StorageAttributeWithoutAUsableFactory() => VerifyDiagnostics("""
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
        [NoFactoryStorage]
        public partial class A { }

        [PagedDatabase]
        [UselessStorage]
        public partial class B { }
        """);

    [Test]
    public void QueryMethodProblems() => VerifyDiagnostics("""
        using System.Collections.Generic;
        using System.Threading;
        using Folio;

        public sealed class NoConstructor
        {
            private NoConstructor() { }
        }

        [PagedDatabase]
        [MemoryStorage]
        public partial class QueriesDb
        {
            [Query("SELECT 1")]
            public int NotPartial() => 1;

            [Query("SELECT 1")]
            public static partial int Static();

            [Query("SELECT $missing")]
            public partial long UnknownParameter(long present);

            [Execute("DELETE FROM t")]
            public partial void UnusedParameter(long unused);

            [Query("SELECT $x")]
            public partial long UnsupportedParameter(List<int> x);

            [Query("SELECT $x")]
            public partial long RefParameter(ref long x);

            [Query("SELECT 1")]
            public partial Dictionary<int, int> UnsupportedReturn();

            [Query("SELECT 1")]
            public partial NoConstructor NoPublicConstructor();

            [Execute("DELETE FROM t")]
            public partial long ExecuteReturningLong();

            [Query("SELECT 1")]
            public partial void QueryReturningVoid();

            [Query("SELECT 1")]
            [Execute("SELECT 1")]
            public partial void Both();

            [Query("SELECT ?")]
            public partial long Positional(long x);

            [Query("SELECT 1; SELECT 2")]
            public partial long TwoStatements();

            [Query("  -- nothing\n")]
            public partial long Empty();

            [Query("SELECT $a")]
            public partial long TwoTokens(long a, CancellationToken one, CancellationToken two);

            [Query("SELECT 'it''s $not a parameter', \"$nor\" || $this FROM t -- $nor this\n/* $nor :this */")]
            public partial string Fine(string @this);
        }
        """);

    [Test]
    public void TwoClassesCannotShareAVfsName() => VerifyDiagnostics("""
        using Folio;

        namespace A
        {
            [PagedDatabase(Name = "shared")]
            [MemoryStorage]
            public partial class First { }
        }

        namespace B
        {
            [PagedDatabase(Name = "shared", PageSize = 8192)]
            [FileStorage]
            public partial class Second { }
        }
        """);
}
