using NUnit.Framework;

namespace Folio.Cli.Tests;

/// <summary>Mistakes on the command line: exit code 2 and one clear line on stderr, nothing on stdout.</summary>
[TestFixture]
public class UsageTests
{
    [TestCase(new string[0], "no command given")]
    [TestCase(new[] { "frobnicate" }, "unknown command 'frobnicate'")]
    [TestCase(new[] { "sql", "file:x" }, "'sql' needs <SQL>")]
    [TestCase(new[] { "info" }, "'info' needs <store>")]
    [TestCase(new[] { "info", "file:a", "file:b" }, "unexpected 'file:b'")]
    [TestCase(new[] { "sql", "file:x", "SELECT 1", "--bogus" }, "'sql' has no option --bogus")]
    [TestCase(new[] { "sql", "file:x", "SELECT 1", "--csv", "--json" }, "--csv or --json, not both")]
    [TestCase(new[] { "sql", "file:x", "SELECT 1", "--page-size", "1000" }, "--page-size 1000 is invalid")]
    [TestCase(new[] { "sql", "file:x", "SELECT 1", "--page-size", "big" }, "--page-size needs a whole number")]
    [TestCase(new[] { "sql", "file:x", "SELECT 1", "--page-size" }, "--page-size of 'sql' needs a value")]
    [TestCase(new[] { "sql", "file:x", "SELECT 1", "--busy-timeout", "soon" }, "--busy-timeout needs a duration")]
    [TestCase(new[] { "sql", "file:x", "SELECT 1", "--csv=yes" }, "--csv of 'sql' takes no value")]
    [TestCase(new[] { "info", "store.folio" }, "'store.folio' is not a store location")]
    [TestCase(new[] { "info", "file:" }, "has no path")]
    [TestCase(new[] { "info", "file:x#" }, "empty database name")]
    [TestCase(new[] { "info", "file://server/share/x" }, "a file store is local")]
    [TestCase(new[] { "info", "redis://nohost" }, "is not a Redis store location")]
    [TestCase(new[] { "import", "--page-size", "4096", "a.db", "file:x", "--page-size", "4096" }, "given twice")]
    public void IsAUsageError(string[] args, string message)
    {
        var result = Cli.Run(args);
        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Out, Is.Empty, result.ToString());
        Assert.That(result.Error, Does.Contain(message), result.ToString());
        Assert.That(result.Error.TrimEnd('\n').Split('\n'), Has.Length.EqualTo(1), "one line: " + result.Error);
        Assert.That(result.Error, Does.StartWith("folio: "));
    }

    [Test]
    public void HelpListsEveryCommandAndTheExitCodes()
    {
        var result = Cli.Run("--help");
        Assert.That(result.ExitCode, Is.EqualTo(0));
        foreach (var usage in new[] { "folio import <file.db> <store>", "folio export <store> <file.db>", "folio info <store>", "folio verify <store>", "folio sql <store>", "folio log <store>", "folio restore <store> --at", "folio branch <store> <new-store> --at", "--at <version|time|bookmark>", "--stats", "file:<path>[#<database>]", "exit codes: 0 success, 1 SQL or data error, 2 usage error" })
        {
            Assert.That(result.Out, Does.Contain(usage));
        }
    }

    [Test]
    public void EachCommandExplainsItselfWithHelp()
    {
        foreach (var command in new[] { "import", "export", "info", "verify", "sql", "rekey", "log", "restore", "branch" })
        {
            var result = Cli.Run(command, "--help");
            Assert.That(result.ExitCode, Is.EqualTo(0), command);
            Assert.That(result.Out, Does.StartWith($"usage: folio {command}"));
        }
    }

    [Test]
    public void TheManualHasASectionForEveryCommandUnderItsUsageLine()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "docs", "cli.md")))
        {
            directory = directory.Parent;
        }
        Assert.That(directory, Is.Not.Null, "docs/cli.md above " + AppContext.BaseDirectory);
        var headings = File.ReadAllLines(Path.Combine(directory!.FullName, "docs", "cli.md")).Where(l => l.StartsWith('#')).ToList();
        var usages = Cli.Run("--help").Out.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("folio ", StringComparison.Ordinal) && l.Contains('<', StringComparison.Ordinal)).ToList();
        Assert.That(usages, Has.Count.EqualTo(9));
        foreach (var usage in usages)
        {
            Assert.That(headings, Has.Some.EndsWith($" `{usage}`"), usage);
        }
    }

    [Test]
    public void TheRealProcessExitsWithTwoOnAUsageError()
    {
        using var directory = new TestDirectory();
        var result = Cli.RunProcess(directory.Path, "sql", "not-a-uri", "SELECT 1");
        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.Error, Does.Contain("'not-a-uri' is not a store location"));
        Assert.That(result.Out, Is.Empty);
    }
}
