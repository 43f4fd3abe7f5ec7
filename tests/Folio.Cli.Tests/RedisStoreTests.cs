using Folio.Testing;
using NUnit.Framework;

namespace Folio.Cli.Tests;

/// <summary><c>folio sql</c>, <c>info</c> and <c>verify</c> on <c>redis://</c> locations, against a real redis-server.</summary>
[TestFixture]
public class RedisStoreTests
{
    private RedisServer _server = null!;

    [OneTimeSetUp]
    public void StartRedis() => _server = RedisServer.Start();

    [OneTimeTearDown]
    public void StopRedis() => _server.Dispose();

    private string Location(string database) => $"redis://127.0.0.1:{_server.Port}/{database}";

    [Test]
    public void SqlInfoAndVerifyWorkOnRedis()
    {
        var store = Location("cli-" + Guid.NewGuid().ToString("N"));
        var created = Cli.Run("sql", store, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t(v) VALUES ('a'), ('b'); SELECT count(*) AS n FROM t;", "--csv");
        Assert.That(created.ExitCode, Is.EqualTo(0), created.Error);
        Assert.That(created.Out, Does.Contain("n").And.Contain("2"));

        var again = Cli.Run("sql", store, "SELECT group_concat(v) AS v FROM t", "--csv");
        Assert.That(again.ExitCode, Is.EqualTo(0), again.Error);
        Assert.That(again.Out, Does.Contain("\"a,b\"").Or.Contain("a,b"));

        var info = Cli.Run("info", store);
        Assert.That(info.ExitCode, Is.EqualTo(0), info.Error);
        Assert.That(info.Out, Does.Contain("Redis store").And.Contain("4096"));

        var verify = Cli.Run("verify", store);
        Assert.That(verify.ExitCode, Is.EqualTo(0), verify.Error);
        Assert.That(verify.Out, Does.Contain("verify: ok"));
    }

    [Test]
    public void AMissingRedisDatabaseAndABadNameAreClearErrors()
    {
        var missing = Cli.Run("info", Location("nothing-here-" + Guid.NewGuid().ToString("N")));
        Assert.That(missing.ExitCode, Is.EqualTo(1));
        Assert.That(missing.Error, Does.Contain("does not exist"));

        var badName = Cli.Run("info", $"redis://127.0.0.1:{_server.Port}/a%7Bb");
        Assert.That(badName.ExitCode, Is.EqualTo(2));
        Assert.That(badName.Error, Does.Contain("brace").Or.Contain("'{'"));
    }
}
