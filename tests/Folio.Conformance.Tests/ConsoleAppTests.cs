using NUnit.Framework;

namespace Folio.Conformance.Tests;

/// <summary>The command line: arguments, per-file lines, the closing count and the exit code.</summary>
[TestFixture]
public class ConsoleAppTests
{
    private string _dir = "";

    [SetUp]
    public void CreateScripts()
    {
        _dir = Directory.CreateTempSubdirectory("folio-slt-cli-").FullName;
        File.WriteAllText(Path.Combine(_dir, "good.test"), "statement ok\nCREATE TABLE t(x)\n\nquery I nosort\nSELECT count(*) FROM t\n----\n0\n");
        Directory.CreateDirectory(Path.Combine(_dir, "sub"));
        File.WriteAllText(Path.Combine(_dir, "sub", "bad.test"), "statement ok\nSELECT 1\n\nquery T nosort\nSELECT 'actual'\n----\nexpected\n");
        File.WriteAllText(Path.Combine(_dir, "notes.txt"), "not a script\n");
    }

    [TearDown]
    public void DeleteScripts() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = ConsoleApp.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static string LastLine(string text) => text.TrimEnd().Split('\n')[^1].TrimEnd('\r');

    [TestCase("native")]
    [TestCase("memory")]
    [TestCase("file")]
    [TestCase("redis")] // a private redis-server for the run: redis-server must be installed
    public void AFailingRecordMakesTheExitCodeOneAndIsPrintedInFull(string store)
    {
        var (code, output, _) = Run("--store", store, _dir);
        Assert.That(code, Is.EqualTo(ConsoleApp.Failures));
        Assert.That(output, Does.Contain("PASS " + Path.Combine(_dir, "good.test") + ": 2 passed, 0 failed"));
        Assert.That(output, Does.Contain("FAIL " + Path.Combine(_dir, "sub", "bad.test") + ": 1 passed, 1 failed"));
        Assert.That(output, Does.Contain(Path.Combine(_dir, "sub", "bad.test") + ":4: wrong result"));
        Assert.That(output, Does.Contain("SELECT 'actual'"));
        Assert.That(output, Does.Contain("expected (1 line):").And.Contain("actual (1 line):"));
        Assert.That(output, Does.Not.Contain("notes.txt"));
        Assert.That(LastLine(output), Is.EqualTo("3 passed, 1 failed, 0 skipped"));
    }

    [Test]
    public void NothingFailedMeansExitCodeZero()
    {
        var (code, output, _) = Run("--store=memory", Path.Combine(_dir, "good.test"));
        Assert.That(code, Is.EqualTo(ConsoleApp.Success), output);
        Assert.That(LastLine(output), Is.EqualTo("2 passed, 0 failed, 0 skipped"));
    }

    [Test]
    public void AnUnreachableRedisIsAUsageError()
    {
        var (code, output, error) = Run("--store", "redis", "--redis", "127.0.0.1:1", _dir);
        Assert.That(code, Is.EqualTo(ConsoleApp.UsageError));
        Assert.That(error, Does.Contain("store 'redis' is not available: cannot reach Redis at '127.0.0.1:1'"));
        Assert.That(output, Is.Empty);
    }

    [TestCase(new[] { "--store", "bogus", "." }, "unknown store 'bogus'")]
    [TestCase(new[] { "." }, "--store is required")]
    [TestCase(new[] { "--store", "native" }, "no files or directories given")]
    [TestCase(new[] { "--store", "native", "/no/such/path.test" }, "no such file or directory")]
    [TestCase(new[] { "--store", "native", "--frobnicate", "." }, "unknown option")]
    [TestCase(new[] { "--store", "redis", "--redis" }, "--redis needs a configuration")]
    public void BadArgumentsAreUsageErrors(string[] args, string message)
    {
        var (code, _, error) = Run(args);
        Assert.That(code, Is.EqualTo(ConsoleApp.UsageError));
        Assert.That(error, Does.Contain(message).And.Contain("usage:"));
    }

    [Test]
    public void ADirectoryWithoutScriptsIsAUsageError()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_dir, "empty")).FullName;
        var (code, _, error) = Run("--store", "native", empty);
        Assert.That(code, Is.EqualTo(ConsoleApp.UsageError));
        Assert.That(error, Does.Contain("no .test files"));
    }

    [Test]
    public void DirectoriesExpandRecursivelyInOrdinalOrderAndOnce()
    {
        var files = ScriptFiles.Expand([_dir, Path.Combine(_dir, "good.test")]);
        Assert.That(files, Is.EqualTo(new[] { Path.Combine(_dir, "good.test"), Path.Combine(_dir, "sub", "bad.test") }));
    }
}
