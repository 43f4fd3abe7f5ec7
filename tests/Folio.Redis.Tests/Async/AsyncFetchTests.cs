using Folio.Redis.Tests.Infrastructure;
using NUnit.Framework;

namespace Folio.Redis.Tests.Async;

/// <summary>
/// A page fetch on the asynchronous path is an awaited Redis command: while Redis holds every
/// client's commands (CLIENT PAUSE) the call has already returned to its caller, unfinished.
/// (The reader once fell back to the synchronous batched read, so the calling thread waited out
/// the whole pause and the call came back completed. The owned case shows it: an owner starts a
/// read with no round trip, so the fetch is the call's first command; a shared-mode call first
/// awaits its read start, and the blocking fetch then held a thread-pool thread instead.)
/// </summary>
[TestFixture(false)]
[TestFixture(true)]
public sealed class AsyncFetchTests(bool owned)
{
    [Test]
    public async Task AFetchReturnsToTheCallerWhileRedisHoldsItsCommands()
    {
        using var server = RedisServer.Start();
        using var redis = RedisPageStore.Connect(server.Configuration);
        var name = SharedRedis.NewName("async-fetch");
        using (var setup = FolioDatabase.Open(RedisPageStore.Open(redis, name), new FolioOptions { ProcessScope = new object() }, ownsStore: true))
        using (var c = setup.OpenConnection())
        {
            RoundTripTests.Fill(c, rows: 300, rowBytes: 500);
        }
        var store = RedisPageStore.Open(redis, name, options: new RedisStoreOptions { Owned = owned });
        using var db = FolioDatabase.Open(store, new FolioOptions { ProcessScope = new object() }, ownsStore: true);
        using var connection = db.OpenConnection();
        var pagesRead = store.PagesRead;

        server.Cli("CLIENT", "PAUSE", "1500", "ALL");
        var call = connection.ExecuteScalarAsync("SELECT sum(length(payload)) FROM t").AsTask();
        Assert.That(call.IsCompleted, Is.False, "the call returned to its caller before Redis answered");
        Assert.That(await call, Is.EqualTo(300L * 500));
        Assert.That(store.PagesRead - pagesRead, Is.GreaterThan(30), "the table's pages were fetched");
    }
}
