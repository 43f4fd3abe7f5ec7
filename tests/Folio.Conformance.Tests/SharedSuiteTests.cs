using Folio.Conformance.Targets;
using Folio.Testing;
using NUnit.Framework;

namespace Folio.Conformance.Tests;

/// <summary>Every shared sqllogictest script, one test case per script and store.</summary>
[TestFixture]
public class SharedSuiteTests
{
    // redis-async and redis-async-owned: every statement on Folio's asynchronous path, on Redis in
    // shared and in owned mode. All 15 shared scripts take a few seconds per mode, so every script runs.
    // garnet: the Redis store on a private Garnet server (installed on first use), whose scripts go without shebang.
    private static readonly string[] Stores = ["native", "memory", "file", "redis", "redis-async", "redis-async-owned", "garnet"];

    // One private redis-server (or $FOLIO_REDIS) for every Redis case; when none can be had, each
    // Redis case fails with the reason, as the Redis store's own tests do: they never skip.
    private static readonly Lazy<RedisTarget> Redis = new(() => RedisTarget.Create());

    // The async targets connect to the same server.
    private static readonly Lazy<RedisTarget> RedisAsync = new(() => AsyncOnSameRedis(owned: false));

    private static readonly Lazy<RedisTarget> RedisAsyncOwned = new(() => AsyncOnSameRedis(owned: true));

    private static readonly Lazy<RedisTarget> Garnet = new(RedisTarget.CreateOnGarnet);

    private static RedisTarget AsyncOnSameRedis(bool owned)
    {
        var target = RedisTarget.Create(Redis.Value.Configuration, owned);
        target.Async = true;
        return target;
    }

    private static IStoreTarget Target(string store) => store switch
    {
        "redis" => Redis.Value,
        "redis-async" => RedisAsync.Value,
        "redis-async-owned" => RedisAsyncOwned.Value,
        "garnet" => Garnet.Value,
        _ => StoreTargets.Get(store),
    };

    // Codec variants: compression alone, encryption alone, both; on memory, file and Redis.
    private static readonly string[] CodecStores = ["memory", "file", "redis"];
    private static readonly string[] Codecs = ["zstd", "aes", "aes+lz4"];
    private static readonly Dictionary<string, FolioStoreTarget> CodecTargets = [];

    private static FolioStoreTarget CodecTarget(string store, string codec)
    {
        lock (CodecTargets)
        {
            var key = store + "/" + codec;
            if (!CodecTargets.TryGetValue(key, out var target))
            {
                target = store == "redis" ? RedisTarget.Create(Redis.Value.Configuration) : (FolioStoreTarget)StoreTargets.Get(store);
                target.Codec = TestCodecs.Create(codec);
                CodecTargets[key] = target;
            }
            return target;
        }
    }

    public static IEnumerable<TestCaseData> CodecCases()
    {
        foreach (var store in CodecStores)
        {
            foreach (var codec in Codecs)
            {
                foreach (var script in SharedSuite.Scripts)
                {
                    yield return new TestCaseData(store, codec, script).SetArgDisplayNames(store, codec, Path.GetFileName(script));
                }
            }
        }
    }

    [TestCaseSource(nameof(CodecCases))]
    public void ScriptThroughACodec(string store, string codec, string path)
    {
        var report = ScriptFiles.Run(new SltRunner(), CodecTarget(store, codec), path);
        TestContext.Out.WriteLine(ConsoleApp.SummaryLine(report));
        var details = string.Join("\n\n", report.Failures.Take(20).Select(f => f.Describe()));
        Assert.Multiple(() =>
        {
            Assert.That(report.Failed, Is.Zero, $"{report.Failed} records failed on '{store}' with codec '{codec}':\n{details}");
            Assert.That(report.Records, Is.GreaterThan(0), "no record ran");
        });
    }

    [OneTimeTearDown]
    public void StopRedis()
    {
        lock (CodecTargets)
        {
            foreach (var target in CodecTargets.Values.OfType<IDisposable>())
            {
                target.Dispose();
            }
            CodecTargets.Clear();
        }
        // The server goes last: it belongs to the first target.
        foreach (var target in new[] { Garnet, RedisAsyncOwned, RedisAsync, Redis }.Where(t => t.IsValueCreated))
        {
            target.Value.Dispose();
        }
    }

    public static IEnumerable<TestCaseData> Cases()
    {
        foreach (var store in Stores)
        {
            foreach (var script in SharedSuite.Scripts)
            {
                yield return new TestCaseData(store, script).SetArgDisplayNames(store, Path.GetFileName(script));
            }
        }
    }

    [Test]
    public void TheSharedFolderHoldsScripts()
    {
        Assert.That(SharedSuite.RepositoryRoot, Is.Not.Null, "repository root (Directory.Packages.props) not found above " + AppContext.BaseDirectory);
        Assert.That(System.IO.Directory.Exists(SharedSuite.Directory), Is.True, $"missing: {SharedSuite.Directory}");
        Assert.That(SharedSuite.Scripts, Is.Not.Empty, $"no .test files in {SharedSuite.Directory}");
    }

    [TestCase("memory")]
    [TestCase("file")]
    [TestCase("redis")]
    [TestCase("redis-async")]
    [TestCase("redis-async-owned")]
    [TestCase("garnet")]
    public void ACorruptedExpectationInASharedScriptIsCaught(string store)
    {
        // The suite is only worth its passes if it can fail: change one expected hash and one
        // expected value of a real script and each must come back as exactly one failed record.
        var path = SharedSuite.Scripts.FirstOrDefault(p => File.ReadAllText(p).Contains(" values hashing to ", StringComparison.Ordinal));
        Assert.That(path, Is.Not.Null, "no shared script has a hashed result");
        var text = File.ReadAllText(path!).Replace("\r\n", "\n", StringComparison.Ordinal);
        var lines = text.Split('\n');

        var hashIndex = Array.FindIndex(lines, l => l.Contains(" values hashing to ", StringComparison.Ordinal));
        var hashed = (string[])lines.Clone();
        hashed[hashIndex] = hashed[hashIndex][..^1] + (hashed[hashIndex][^1] == '0' ? '1' : '0');

        var valueIndex = Enumerable.Range(1, lines.Length - 1)
            .First(i => lines[i - 1] == "----" && lines[i].Length > 0 && !lines[i].Contains(" values hashing to ", StringComparison.Ordinal));
        var valued = (string[])lines.Clone();
        valued[valueIndex] = "not what the engine says";

        foreach (var (mutated, line, message) in new[] { (hashed, hashIndex + 1, "wrong result hash"), (valued, valueIndex + 1, "wrong result") })
        {
            using var session = Target(store).OpenFresh(path!);
            var report = new SltRunner().Run(string.Join('\n', mutated), path!, session);
            Assert.That(report.Failed, Is.EqualTo(1), string.Join("\n", report.Failures));
            Assert.That(report.Failures[0].Message, Does.StartWith(message));
            Assert.That(report.Failures[0].Line, Is.LessThan(line).And.GreaterThan(line - 40));
            Assert.That(report.Passed, Is.GreaterThan(0));
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void Script(string store, string path)
    {
        var report = ScriptFiles.Run(new SltRunner(), Target(store), path);
        TestContext.Out.WriteLine(ConsoleApp.SummaryLine(report));
        var details = string.Join("\n\n", report.Failures.Take(20).Select(f => f.Describe()));
        Assert.Multiple(() =>
        {
            Assert.That(report.Failed, Is.Zero, $"{report.Failed} records failed on '{store}':\n{details}");
            Assert.That(report.Records, Is.GreaterThan(0), "no record ran");
        });
    }
}
