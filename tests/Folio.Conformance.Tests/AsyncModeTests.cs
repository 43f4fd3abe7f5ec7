using Folio.Conformance.Targets;
using Folio.Storage;
using NUnit.Framework;

namespace Folio.Conformance.Tests;

/// <summary><c>--async</c> and <c>--owned</c>: every statement on Folio's asynchronous path, Redis opened owned.</summary>
[TestFixture]
public class AsyncModeTests
{
    private const string Script = "hash-threshold 0\n\nstatement ok\nCREATE TABLE t(x)\n\nstatement ok\nINSERT INTO t VALUES (1), (2.5), ('3x')\n\n" +
                                  "query ITR rowsort\nSELECT x, x, x FROM t\n----\n1\n1\n1.000\n2\n2.5\n2.500\n3\n3x\n3.000\n\n" +
                                  "statement error\nINSERT INTO nowhere VALUES (1)\n";

    [Test]
    public void EveryStatementOfAnAsyncSessionGoesThroughTheStoresAsyncTwins()
    {
        var target = new WrappedMemoryTarget<CountingStore>("counting", s => new CountingStore(s)) { Async = true };
        using (var session = target.OpenFresh("async"))
        {
            var report = new SltRunner().Run(Script, "async.test", session);
            Assert.That(report.Failed, Is.Zero, string.Join("\n", report.Failures));
            Assert.That(report.Passed, Is.EqualTo(4));
        }
        var store = target.Store!;
        Assert.That(store.AsyncCommits, Is.EqualTo(2), "the CREATE and the INSERT were committed through CommitAsync");
        Assert.That(store.SyncCommits, Is.Zero, "no statement committed synchronously");
        Assert.That(store.AsyncReads, Is.GreaterThanOrEqualTo(4), "each call started its read with BeginReadAsync");
    }

    [Test]
    public void WithoutAsyncTheSameScriptCommitsSynchronously()
    {
        var target = new WrappedMemoryTarget<CountingStore>("counting", s => new CountingStore(s));
        using (var session = target.OpenFresh("sync"))
        {
            Assert.That(new SltRunner().Run(Script, "sync.test", session).Failed, Is.Zero);
        }
        Assert.That((target.Store!.SyncCommits, target.Store.AsyncCommits), Is.EqualTo((2L, 0L)));
    }

    [TestCase("--async")]
    [TestCase("--async", "--owned")]
    [TestCase("--owned")]
    public void TheRedisModesRunAScriptAndSaySo(params string[] modes)
    {
        var dir = Directory.CreateTempSubdirectory("folio-slt-async-").FullName;
        try
        {
            var path = Path.Combine(dir, "modes.test");
            File.WriteAllText(path, Script);
            var output = new StringWriter();
            var code = ConsoleApp.Run(["--store", "redis", .. modes, path], output, new StringWriter());
            Assert.That(code, Is.EqualTo(ConsoleApp.Success), output.ToString());
            var expected = modes.Length == 2 ? "(async, owned)" : modes[0] == "--async" ? "(async)" : "(owned)";
            Assert.That(output.ToString(), Does.Contain($"store redis {expected}: 1 files"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestCase("native", "--async")]
    [TestCase("memory", "--owned")]
    [TestCase("file", "--owned")]
    public void AModeAStoreDoesNotHaveIsAUsageError(string store, string mode)
    {
        var error = new StringWriter();
        Assert.That(ConsoleApp.Run(["--store", store, mode, "."], new StringWriter(), error), Is.EqualTo(ConsoleApp.UsageError));
        Assert.That(error.ToString(), Does.Contain(mode));
    }

    /// <summary>A memory store that counts which of its synchronous and asynchronous entry points were used.</summary>
    private sealed class CountingStore(IPageStore inner) : IPageStore
    {
        public long SyncCommits;
        public long AsyncCommits;
        public long AsyncReads;

        public string Name => inner.Name;

        public int PageSize => inner.PageSize;

        public StoreHead GetHead() => inner.GetHead();

        public IPageStoreReader BeginRead(long knownVersion) => inner.BeginRead(knownVersion);

        public long Commit(StoreCommit commit)
        {
            SyncCommits++;
            return inner.Commit(commit);
        }

        public ValueTask<IPageStoreReader> BeginReadAsync(long knownVersion, CancellationToken cancellationToken = default)
        {
            AsyncReads++;
            return inner.BeginReadAsync(knownVersion, cancellationToken);
        }

        public ValueTask<long> CommitAsync(StoreCommit commit, CancellationToken cancellationToken = default)
        {
            AsyncCommits++;
            return inner.CommitAsync(commit, cancellationToken);
        }

        public void Dispose() => inner.Dispose();
    }
}
