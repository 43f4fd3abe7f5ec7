using Folio.Redis.Tests.Infrastructure;
using Folio.Storage;
using NUnit.Framework;

namespace Folio.Redis.Tests;

/// <summary>The history contract (<see cref="HistoryContractFixture"/>) on the Redis store, on Redis and on Garnet.</summary>
[TestFixture(SharedRedis.Redis)]
[TestFixture(SharedRedis.Garnet)]
public sealed class StoreHistoryTests(string server) : HistoryContractFixture
{
    protected override IPageStore Create(HistoryRetention retention) =>
        RedisPageStore.Open(SharedRedis.ConnectionFor(server), SharedRedis.NewName("history"), 4096, new RedisStoreOptions { History = retention });

    [Test]
    public void RetentionOutOfRangeIsNamedWhenTheStoreOpens()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Create(new HistoryRetention { Versions = -1 }));
        Assert.That(error!.ParamName, Is.EqualTo(nameof(HistoryRetention.Versions)));
    }
}
