using Folio.Redis;
using Folio.Storage;
using Folio.Testing;
using NUnit.Framework;

namespace Folio.Cli.Tests;

/// <summary>
/// What <c>log</c>, <c>export --at</c>, <c>restore</c> and <c>branch</c> refuse: each a single line
/// on standard error naming what was wrong, a non-zero exit code and the store left as it was.
/// </summary>
[TestFixture]
public class TimeTravelErrorTests
{
    private const string Marker = "TT-MARKER-5d20";

    private TestDirectory _directory = null!;
    private string _store = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = new TestDirectory();
        _store = $"file:{_directory.File("data.folio")}";
        foreach (var sql in new[] { "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)", "INSERT INTO t(v) VALUES ('a'), ('b')", "DELETE FROM t" })
        {
            Assert.That(Cli.Run("sql", _store, sql).ExitCode, Is.EqualTo(0));
        }
    }

    [TearDown]
    public void TearDown() => _directory.Dispose();

    /// <summary>Asserts the run failed with <paramref name="exitCode"/> and one error line, and returns that line.</summary>
    private static string Refused(CliResult result, int exitCode)
    {
        Assert.That(result.ExitCode, Is.EqualTo(exitCode), result.ToString());
        Assert.That(result.Error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), "one line, no stack trace");
        Assert.That(result.Error, Does.StartWith("folio: ").And.Not.Contain("   at "));
        return result.Error;
    }

    private long CurrentVersion()
    {
        using var store = FilePageStore.Open(_directory.File("data.folio"));
        return store.GetHead().Version;
    }

    [Test]
    public void AVersionOutsideRetentionNamesTheRangeOnEveryCommand()
    {
        string[][] commands =
        [
            ["export", _store, _directory.File("x.db"), "--at", "99"],
            ["restore", _store, "--at", "99"],
            ["branch", _store, $"file:{_directory.File("b.folio")}", "--at", "99"],
            ["restore", _store, "--at", "0"],
        ];
        foreach (var command in commands)
        {
            var error = Refused(Cli.Run(command), 1);
            Assert.That(error, Does.Contain($"version {command[^1]} is not retained").And.Contain("the store holds versions 1 to 3"), string.Join(' ', command));
        }
        Assert.That(File.Exists(_directory.File("x.db")), Is.False);
        Assert.That(CurrentVersion(), Is.EqualTo(3), "nothing was committed");
    }

    [Test]
    public void ATimeBeforeTheOldestVersionNamesTheOldest()
    {
        var error = Refused(Cli.Run("restore", _store, "--at", "2000-01-01T00:00:00Z"), 1);
        Assert.That(error, Does.Contain("no retained version was in force at 2000-01-01T00:00:00").And.Contain("the oldest of them version 1"));
        Assert.That(CurrentVersion(), Is.EqualTo(3));
    }

    [Test]
    public void ABookmarkOfAnotherDatabaseIsRefused()
    {
        var other = $"file:{_directory.File("other.folio")}";
        Assert.That(Cli.Run("sql", other, "CREATE TABLE u(x)").ExitCode, Is.EqualTo(0));
        string bookmark;
        using (var store = FilePageStore.Open(_directory.File("other.folio")))
        using (var db = FolioDatabase.Open(store))
        {
            bookmark = db.Bookmark.ToString();
        }
        var error = Refused(Cli.Run("restore", _store, "--at", bookmark), 1);
        Assert.That(error, Does.Contain($"bookmark {bookmark} belongs to database").And.Contain("which holds versions 1 to 3").And.Not.Contain("Parameter"));
        Refused(Cli.Run("export", _store, _directory.File("x.db"), "--at", bookmark), 1);
        Assert.That(CurrentVersion(), Is.EqualTo(3));
    }

    [Test]
    public void AMalformedOrMissingAtIsAUsageError()
    {
        Assert.That(Refused(Cli.Run("restore", _store, "--at", "yesterday"), 2), Does.Contain("--at 'yesterday' is not a version number, an ISO 8601 time"));
        Assert.That(Refused(Cli.Run("export", _store, _directory.File("x.db"), "--at", "fb1-123-0-1"), 2), Does.Contain("'fb1-123-0-1' is not a Folio bookmark"));
        Assert.That(Refused(Cli.Run("branch", _store, $"file:{_directory.File("b.folio")}", "--at", "-3"), 2), Does.Contain("--at '-3'"));
        Assert.That(Refused(Cli.Run("restore", _store), 2), Does.Contain("'restore' needs --at"));
        Assert.That(Refused(Cli.Run("branch", _store), 2), Does.Contain("'branch' needs <new-store>"));
        Assert.That(Refused(Cli.Run("log", _store, "--limit", "0"), 2), Does.Contain("--limit 0"));
        Assert.That(Refused(Cli.Run("log", _store, "--at", "1"), 2), Does.Contain("'log' has no option --at"));
        Assert.That(File.Exists(_directory.File("b.folio")), Is.False, "a usage error creates nothing");
        Assert.That(CurrentVersion(), Is.EqualTo(3));
    }

    [Test]
    public void AMissingStoreIsADataError()
    {
        var missing = $"file:{_directory.File("nothing-here.folio")}";
        Assert.That(Refused(Cli.Run("log", missing), 1), Does.Contain("does not exist"));
        Assert.That(Refused(Cli.Run("restore", missing, "--at", "1"), 1), Does.Contain("does not exist"));
    }

    [Test]
    public void TheRealProcessPrintsOneLineAndExitsNonZero()
    {
        var result = Cli.RunProcess(_directory.Path, "export", _store, "x.db", "--at", "42");
        Assert.That(Refused(result, 1), Does.Contain("version 42 is not retained"));
        var log = Cli.RunProcess(_directory.Path, "log", _store);
        Assert.That(log.ExitCode, Is.EqualTo(0), log.ToString());
        Assert.That(log.Out, Does.Contain("retained:     versions 1 to 3"));
    }

    [Test]
    public void TheCodecOptionsApplyToPastVersionsAndToWhatRestoreAndBranchWrite()
    {
        var keys = _directory.File("keys");
        File.WriteAllLines(keys, [PageKeyRing.FormatLine(1, Enumerable.Range(0, 32).Select(i => (byte)(i * 7 + 1)).ToArray())]);
        var secret = $"file:{_directory.File("secret.folio")}";
        Assert.That(Cli.Run("sql", secret, "--key-file", keys, $"CREATE TABLE s(v TEXT); INSERT INTO s VALUES ('{Marker}')").ExitCode, Is.EqualTo(0));
        Assert.That(Cli.Run("sql", secret, "--key-file", keys, "DELETE FROM s").ExitCode, Is.EqualTo(0));

        Refused(Cli.Run("export", secret, _directory.File("nokey.db"), "--at", "2"), 1);
        Assert.That(Cli.Run("export", secret, _directory.File("past.db"), "--at", "2", "--key-file", keys).ExitCode, Is.EqualTo(0));
        Assert.That(SqliteShell.Dump(_directory.File("past.db")), Does.Contain(Marker));

        Refused(Cli.Run("restore", secret, "--at", "2"), 1);
        var restore = Cli.Run("restore", secret, "--at", "2", "--key-file", keys, "--compression", "zstd");
        Assert.That(restore.ExitCode, Is.EqualTo(0), restore.ToString());
        Assert.That(Cli.Run("sql", secret, "--key-file", keys, "--csv", "SELECT v FROM s").Out, Does.Contain(Marker));

        var branch = $"file:{_directory.File("branch.folio")}";
        Assert.That(Cli.Run("branch", secret, branch, "--at", "2", "--key-file", keys).ExitCode, Is.EqualTo(0));
        Assert.That(Cli.Run("sql", branch, "--key-file", keys, "--csv", "SELECT v FROM s").Out, Does.Contain(Marker));
        Refused(Cli.Run("sql", branch, "SELECT v FROM s"), 1);
        foreach (var file in new[] { "secret.folio", "branch.folio" })
        {
            var path = _directory.File(file);
            byte[] raw = [.. File.ReadAllBytes(path), .. File.Exists(path + "-wal") ? File.ReadAllBytes(path + "-wal") : []];
            Assert.That(raw.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(Marker)), Is.EqualTo(-1), $"{file} holds no plain text");
        }
    }

    [Test]
    public void OnRedisLogEitherListsTheHistoryOrSaysTheStoreKeepsNone()
    {
        using var server = RedisServer.Start();
        var store = $"redis://127.0.0.1:{server.Port}/tt-{Guid.NewGuid():N}";
        Assert.That(Cli.Run("sql", store, "CREATE TABLE t(x); INSERT INTO t VALUES (1)").ExitCode, Is.EqualTo(0));
        if (typeof(RedisPageStore).IsAssignableTo(typeof(IPageStoreHistory)))
        {
            var log = Cli.Run("log", store);
            Assert.That(log.ExitCode, Is.EqualTo(0), log.ToString());
            Assert.That(log.Out, Does.Contain($"store:        {store}"));
        }
        else
        {
            Assert.That(Refused(Cli.Run("log", store), 1), Does.Contain($"store '{store}' keeps no history"));
            Assert.That(Refused(Cli.Run("restore", store, "--at", "1"), 1), Does.Contain("keeps no history"));
        }
    }
}
