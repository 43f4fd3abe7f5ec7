using NUnit.Framework;

namespace Folio.Redis.Tests.Async;

/// <summary>
/// What an owned, warm database costs in Redis round trips (counted by <see cref="RedisPageStore.RoundTrips"/>):
/// its cache is authoritative, so a read transaction costs none and a write transaction exactly one, the commit.
/// </summary>
public sealed class OwnedRoundTripTests
{
    [Test]
    public async Task OnTheAsyncPathAReadCostsNoRoundTripAndAOneRowWriteExactlyOne()
    {
        var (store, db, c) = OpenWarm("owned-trips-async");
        using (db)
        using (c)
        {
            var before = store.RoundTrips;
            Assert.That(await c.ExecuteScalarAsync("SELECT payload FROM t WHERE id = 150"), Is.Not.Null);
            Assert.That(await c.ExecuteScalarAsync("SELECT n FROM t WHERE id = 7"), Is.EqualTo(0L));
            Assert.That(store.RoundTrips - before, Is.Zero, "a read transaction of a warm owned database goes to Redis");

            before = store.RoundTrips;
            Assert.That(await c.ExecuteAsync("UPDATE t SET n = n + 1 WHERE id = 120"), Is.EqualTo(1));
            Assert.That(store.RoundTrips - before, Is.EqualTo(1), "a one-row write transaction is its commit only");

            before = store.RoundTrips;
            await c.TransactionAsync(async (x, ct) =>
            {
                await x.ExecuteAsync("UPDATE t SET n = n + 1 WHERE id = 121", ct);
                await x.ExecuteScalarAsync("SELECT n FROM t WHERE id = 121", ct);
            });
            Assert.That(store.RoundTrips - before, Is.EqualTo(1), "TransactionAsync: one commit");
            Assert.That(await c.ExecuteScalarAsync("SELECT sum(n) FROM t"), Is.EqualTo(2L));
        }
    }

    [Test]
    public void OnTheSyncPathAReadCostsNoRoundTripAndAOneRowWriteExactlyOne()
    {
        var (store, db, c) = OpenWarm("owned-trips-sync");
        using (db)
        using (c)
        {
            var before = store.RoundTrips;
            Assert.That(c.ExecuteScalar("SELECT payload FROM t WHERE id = 150"), Is.Not.Null);
            c.Execute("BEGIN; SELECT count(*) FROM t; SELECT n FROM t WHERE id = 9; COMMIT;");
            Assert.That(store.RoundTrips - before, Is.Zero);

            before = store.RoundTrips;
            Assert.That(c.Execute("UPDATE t SET n = n + 1 WHERE id = 120"), Is.EqualTo(1));
            Assert.That(store.RoundTrips - before, Is.EqualTo(1));

            before = store.RoundTrips;
            c.Execute("BEGIN; UPDATE t SET n = n + 1 WHERE id = 7; INSERT INTO t(n, payload) VALUES (1, x'00'); COMMIT;");
            Assert.That(store.RoundTrips - before, Is.EqualTo(1));
            Assert.That(c.ExecuteScalar("SELECT sum(n) FROM t"), Is.EqualTo(3L));
        }
    }

    /// <summary>
    /// An owned database of 300 rows whose every page passed through Folio's page cache (2048
    /// pages by default, far more than the ~45 the table needs): the warm state an owner runs in.
    /// </summary>
    internal static (RedisPageStore Store, FolioDatabase Db, FolioConnection Connection) OpenWarm(string purpose)
    {
        var store = RedisPageStore.Open(SharedRedis.Connection, SharedRedis.NewName(purpose), options: new RedisStoreOptions { Owned = true });
        var db = FolioDatabase.Open(store, ownsStore: true);
        var c = db.OpenConnection();
        RoundTripTests.Fill(c, rows: 300, rowBytes: 500);
        RoundTripTests.WarmFolioCache(db);
        return (store, db, c);
    }
}
