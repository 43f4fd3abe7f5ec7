using Folio.Redis.Tests.Infrastructure;
using Folio.Storage;
using Folio.Testing;
using NUnit.Framework;
using StackExchange.Redis;

namespace Folio.Redis.Tests;

/// <summary>A database's identity in Redis, with real OS processes and with two servers in one process.</summary>
public sealed class IdentityTests
{
    [Test]
    public void RedisLosesItsDataUnderARunningProcessAndAnotherStartsAFreshDatabase()
    {
        using var server = RedisServer.Start();
        using var redis = RedisPageStore.Connect(server.Configuration);
        var name = SharedRedis.NewName("identity");
        IdentityScenario.Play(name, () => Child(server, name), () => LineageOf(redis, name), () =>
        {
            Assert.That(server.Cli("FLUSHALL").Trim(), Is.EqualTo("OK"));
            using (var b = Child(server, name))
            {
                IdentityScenario.AddThreeRows(b, "b");
            }
            return LineageOf(redis, name);
        }, () => FolioDatabase.Open(RedisPageStore.Open(redis, name), ownsStore: true));
    }

    [Test]
    public void AGeneratedClassOpenedOnTwoServersWritesEachToItsOwn()
    {
        using var serverA = RedisServer.Start();
        using var serverB = RedisServer.Start();
        using var redisA = RedisPageStore.Connect(serverA.Configuration);
        using var redisB = RedisPageStore.Connect(serverB.Configuration);

        using var a = RedisLedgerDb.Open(redisA, "acct");
        using var b = RedisLedgerDb.Open(redisB, "acct");
        a.Add("on A", 1);
        b.Add("on B", 10);
        b.Add("on B again", 100);

        Assert.That(a.Entries().Select(e => e.Memo), Is.EqualTo(new[] { "on A" }));
        Assert.That(b.Entries().Select(e => e.Memo), Is.EqualTo(new[] { "on B", "on B again" }));
        Assert.That(LineageOf(redisA, "acct"), Is.Not.EqualTo(LineageOf(redisB, "acct")));
        Assert.That(Version(redisA, "acct"), Is.EqualTo(2), "the migration and one insert reached server A");
        Assert.That(Version(redisB, "acct"), Is.EqualTo(3), "the migration and two inserts reached server B");
    }

    private static InteractiveChildProcess Child(RedisServer server, string name) =>
        new(Path.Combine(TestContext.CurrentContext.TestDirectory, "Folio.Redis.TestChild.dll"), "interactive", server.Configuration, name);

    private static StoreLineage LineageOf(IConnectionMultiplexer redis, string name)
    {
        var id = (string?)redis.GetDatabase().HashGet($"{{folio:{name}}}:meta", "id");
        return new StoreLineage(Guid.ParseExact(id!, "N"), 0);
    }

    private static long Version(IConnectionMultiplexer redis, string name) => (long)redis.GetDatabase().HashGet($"{{folio:{name}}}:meta", "version");
}
