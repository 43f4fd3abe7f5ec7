using Microsoft.CodeAnalysis;
using NUnit.Framework;

namespace Folio.Generator.Tests;

/// <summary>
/// Nothing is skipped silently: every class or method the generator skips comes with an error
/// saying why, which the generator reports itself; the parser's warnings (which skip nothing) are
/// the analyzer's to report (see DiagnosticDescriptors). Each case's snapshot holds all the
/// parser's findings and whatever the generator still wrote.
/// </summary>
public class DiagnosticTests
{
    private static void VerifyDiagnostics(string source)
    {
        var (result, output) = GeneratorHarness.Run(source);
        Assert.That(result.Exception, Is.Null);
        var findings = GeneratorHarness.ParserFindings(output);
        var errors = findings.Where(d => d.Severity == DiagnosticSeverity.Error);
        // FOLIO009 compares the classes of the whole compilation: the generator's alone, not a parser finding.
        var perClass = result.Diagnostics.Where(d => d.Id != DiagnosticDescriptors.DuplicateVfsName.Id);
        Assert.That(Snapshot.Describe(perClass), Is.EqualTo(Snapshot.Describe(errors)), "the generator reports exactly the parser's errors");
        var reported = findings.Concat(result.Diagnostics.Where(d => d.Id == DiagnosticDescriptors.DuplicateVfsName.Id)).ToList();
        Assert.That(reported, Is.Not.Empty);
        Snapshot.Verify(result, reported);
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
    public void UnsafeCodeMustBeAllowed()
    {
        var (result, _) = GeneratorHarness.Run("""
            using Folio;

            [PagedDatabase]
            [MemoryStorage]
            public partial class NeedsUnsafe { }
            """, allowUnsafe: false);
        Assert.That(result.Exception, Is.Null);
        Assert.That(result.GeneratedSources, Is.Empty);
        Snapshot.Verify(result);
    }

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
    public void AsyncMethodProblems() => VerifyDiagnostics("""
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Folio;

        [PagedDatabase]
        [MemoryStorage]
        public partial class AsyncDb
        {
            [Execute("DELETE FROM t")]
            public partial IAsyncEnumerable<int> ExecuteStreaming();

            [Query("SELECT 1")]
            public partial Task<IEnumerable<long>> StreamInATask();

            [Query("SELECT 1")]
            public partial ValueTask<IEnumerable<long>> StreamInAValueTask();

            [Query("SELECT 1")]
            public partial Task<IAsyncEnumerable<long>> AsyncStreamInATask();

            [Query("SELECT $a")]
            public partial Task<long> TokenFirst(CancellationToken cancellationToken, long a);

            [Execute("DELETE FROM t")]
            public partial Task<long> ExecuteReturningLong();

            [Execute("DELETE FROM t")]
            public partial ValueTask<string> ExecuteReturningString();

            [Query("SELECT 1")]
            public partial Task QueryWithoutResult();

            [Query("SELECT 1")]
            public partial Task<Dictionary<int, int>> UnsupportedRow();

            [Query("SELECT 1")]
            public partial Task<long> Fine(CancellationToken cancellationToken);
        }
        """);

    [Test]
    public void AsyncShapeMessagesSayWhatToReturnInstead()
    {
        var (_, output) = GeneratorHarness.Run("""
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using Folio;

            [PagedDatabase]
            [MemoryStorage]
            public partial class AsyncDb
            {
                [Execute("DELETE FROM t")] public partial IAsyncEnumerable<int> A();
                [Query("SELECT 1")] public partial Task<IEnumerable<long>> B();
                [Query("SELECT 1")] public partial ValueTask<IAsyncEnumerable<long>> C();
                [Query("SELECT $a")] public partial Task<long> D(CancellationToken token, long a);
                [Execute("DELETE FROM t")] public partial Task<long> E();
                [Query("SELECT 1")] public partial ValueTask F();
            }
            """);
        var messages = GeneratorHarness.ParserFindings(output).Select(d => $"{d.Id} {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}");
        Assert.That(messages, Is.EqualTo(new[]
        {
            "FOLIO109 'AsyncDb.A' cannot be generated as an async method: it returns 'IAsyncEnumerable<int>', but an [Execute] statement returns no rows; return Task, ValueTask, Task<int> or ValueTask<int> (the rows changed), or use [Query]",
            "FOLIO109 'AsyncDb.B' cannot be generated as an async method: it returns 'Task<IEnumerable<long>>', a stream inside a task; an async method reads its rows in full (the statement may run again after store pages are fetched), so return Task<List<T>>, Task<IReadOnlyList<T>> or IAsyncEnumerable<T>",
            "FOLIO109 'AsyncDb.C' cannot be generated as an async method: it returns 'ValueTask<IAsyncEnumerable<long>>', a stream inside a task; an async method reads its rows in full (the statement may run again after store pages are fetched), so return ValueTask<List<T>>, ValueTask<IReadOnlyList<T>> or IAsyncEnumerable<T>",
            "FOLIO109 'AsyncDb.D' cannot be generated as an async method: its CancellationToken 'token' must be its last parameter",
            "FOLIO109 'AsyncDb.E' cannot be generated as an async method: it returns 'Task<long>', but an [Execute] method returns void or int (the rows changed), so its async form returns Task, ValueTask, Task<int> or ValueTask<int>; use [Query] to read rows",
            "FOLIO109 'AsyncDb.F' cannot be generated as an async method: it returns 'ValueTask', but a [Query] method returns its rows: return ValueTask<T> or IAsyncEnumerable<T>, or use [Execute] for statements run for their effect",
        }));
    }

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
