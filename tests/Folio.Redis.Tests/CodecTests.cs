using Folio.Storage;
using Folio.Testing;
using NUnit.Framework;
using StackExchange.Redis;

namespace Folio.Redis.Tests;

/// <summary>Page codecs on Redis: nothing readable in any value, fewer bytes sent, tampering detected.</summary>
public sealed class CodecTests
{
    private const string Marker = "FOLIO-REDIS-MARKER-41c2";

    private static void Fill(FolioConnection c)
    {
        c.Execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
        c.Execute("BEGIN");
        for (var i = 0; i < 1500; i++)
        {
            c.Execute("INSERT INTO t(v) VALUES (?1)", $"entry {i}: {Marker} ledger line, amount {i * 3} credited to account {i % 41}");
        }
        c.Execute("COMMIT");
        c.Execute("UPDATE t SET v = v || ' (settled)' WHERE id % 4 = 0");
    }

    /// <summary>Every value of every key of the database, as Redis returns them.</summary>
    private static List<byte[]> AllValues(string database)
    {
        var redis = SharedRedis.Connection.GetDatabase();
        var server = SharedRedis.Connection.GetServer(SharedRedis.Connection.GetEndPoints()[0]);
        var values = new List<byte[]>();
        foreach (var key in server.Keys(pattern: "{folio:" + database + "}:*"))
        {
            switch (redis.KeyType(key))
            {
                case RedisType.String:
                    values.Add(redis.StringGet(key)!);
                    break;
                case RedisType.Hash:
                    values.AddRange(redis.HashGetAll(key).SelectMany(e => new[] { (byte[])e.Name!, (byte[])e.Value! }));
                    break;
                case RedisType.List:
                    values.AddRange(redis.ListRange(key).Select(v => (byte[])v!));
                    break;
                case RedisType.SortedSet:
                    values.AddRange(redis.SortedSetRangeByRank(key).Select(v => (byte[])v!)); // the retained history's past page values and records
                    break;
                default:
                    Assert.Fail($"key '{key}' has type {redis.KeyType(key)}, which this test does not read");
                    break;
            }
        }
        return values;
    }

    [TestCase("aes")]
    [TestCase("aes+zstd")]
    public void AMarkerStringIsInNoRedisValueAndTheDatabaseReadsBack(string variant)
    {
        var name = SharedRedis.NewName("codec-marker");
        using (var db = FolioDatabase.Open(RedisPageStore.Open(SharedRedis.Connection, name), new FolioOptions { Codec = TestCodecs.Create(variant) }, ownsStore: true))
        using (var c = db.OpenConnection())
        {
            Fill(c);
        }
        var values = AllValues(name);
        Assert.That(values.Count, Is.GreaterThan(20), "the pages are there");
        Assert.That(values.Where(v => TestCodecs.Contains(v, Marker)), Is.Empty);
        Assert.That(values.Where(v => TestCodecs.Contains(v, "ledger line")), Is.Empty);

        using var other = SharedRedis.Connect();
        using var again = FolioDatabase.Open(RedisPageStore.Open(other, name), new FolioOptions { Codec = TestCodecs.Create(variant), ProcessScope = new object() }, ownsStore: true);
        using var r = again.OpenConnection();
        Assert.That(r.ExecuteScalar("PRAGMA integrity_check"), Is.EqualTo("ok"));
        Assert.That(r.ExecuteScalar("SELECT count(*) FROM t WHERE v LIKE '%(settled)'"), Is.EqualTo(375L));
        Assert.That(r.ExecuteScalar("SELECT v FROM t WHERE id = 1"), Does.Contain(Marker));
    }

    [TestCase("lz4")]
    [TestCase("zstd")]
    public void CompressionSendsFewerBytesToRedis(string variant)
    {
        long Written(IPageCodec? codec)
        {
            var store = RedisPageStore.Open(SharedRedis.Connection, SharedRedis.NewName("codec-bytes"));
            using var db = FolioDatabase.Open(store, new FolioOptions { Codec = codec }, ownsStore: true);
            using var c = db.OpenConnection();
            Fill(c);
            return store.BytesWritten;
        }
        var plain = Written(null);
        var compressed = Written(TestCodecs.Create(variant));
        TestContext.Out.WriteLine($"{variant}: {compressed} bytes written, plain {plain}");
        Assert.That(compressed, Is.LessThan(plain * 6 / 10));
    }

    [Test]
    public async Task TheAsynchronousOpenChecksTheKeyInItsAwaitedReadsBeforeAnythingIsWritten()
    {
        var name = SharedRedis.NewName("codec-async");
        var right = new FolioOptions { Codec = TestCodecs.Create("aes"), ProcessScope = new object() };
        using (var db = await RedisLedgerDb.OpenAsync(RedisPageStore.Open(SharedRedis.Connection, name), right, ownsStore: true))
        {
            db.Add("rent", -1200);
        }
        var store = RedisPageStore.Open(SharedRedis.Connection, name);
        var before = store.GetHead();
        var wrong = new FolioOptions { Codec = new PageCodec(PageCompression.None, TestCodecs.WrongKeys()), ProcessScope = new object() };
        foreach (var warm in new[] { true, false })
        {
            // Warming decodes page 0 itself; without it, the connection's first read does (inside SQLite: a FolioException).
            var error = (await Assert.ThrowsAsync(Is.InstanceOf<Exception>(), async () =>
            {
                using var db = await RedisLedgerDb.OpenAsync(RedisPageStore.Open(SharedRedis.Connection, name), wrong, ownsStore: true, warm: warm);
                db.Add("never written", 1);
            }))!;
            var cause = error as PageCorruptException ?? error.InnerException as PageCorruptException;
            Assert.That(cause, Is.Not.Null, error.ToString());
            Assert.That(cause!.Check, Is.EqualTo(PageCheck.Authentication));
            Assert.That(cause.PageNumber, Is.Zero);
            Assert.That(error.Message, Does.Contain(name));
        }
        store.Dispose();
        using var check = RedisPageStore.Open(SharedRedis.Connection, name);
        Assert.That(check.GetHead(), Is.EqualTo(before), "nothing was written");

        using var reopened = await RedisLedgerDb.OpenAsync(RedisPageStore.Open(SharedRedis.Connection, name), new FolioOptions { Codec = TestCodecs.Create("aes"), ProcessScope = new object() }, ownsStore: true);
        Assert.That(reopened.Balance(), Is.EqualTo(-1200));
    }

    [Test]
    public void TwoSwappedRedisValuesAreDetectedAndTheProcessCarriesOn()
    {
        var name = SharedRedis.NewName("codec-swap");
        var options = new FolioOptions { Codec = TestCodecs.Create("aes"), CachePages = 0, ProcessScope = new object() };
        using var db = FolioDatabase.Open(RedisPageStore.Open(SharedRedis.Connection, name), options, ownsStore: true);
        using (var c = db.OpenConnection())
        {
            c.Execute("CREATE TABLE a(v TEXT); CREATE TABLE b(v TEXT); INSERT INTO a VALUES ('a'); INSERT INTO b VALUES ('b');");
        }
        var redis = SharedRedis.Connection.GetDatabase();
        var (one, two) = ((RedisKey)("{folio:" + name + "}:p:1"), (RedisKey)("{folio:" + name + "}:p:2"));
        var (first, second) = (redis.StringGet(one), redis.StringGet(two));
        redis.StringSet(one, second);
        redis.StringSet(two, first);

        using var r = db.OpenConnection();
        var error = Assert.Throws<FolioException>(() => r.ExecuteScalar("SELECT v FROM a"))!;
        var cause = error.InnerException as PageCorruptException;
        Assert.That(cause, Is.Not.Null, error.ToString());
        Assert.That(cause!.PageNumber, Is.EqualTo(1));
        Assert.That(cause.Check, Is.EqualTo(PageCheck.Authentication));
        Assert.That(error.Message, Does.Contain(name));
        Assert.That(r.ExecuteScalar("SELECT 6 * 7"), Is.EqualTo(42L));
    }

    [Test]
    public void AnOlderRedisValuePutBackIsRefusedByAProcessThatNeverSawTheNewerWrite()
    {
        var name = SharedRedis.NewName("codec-replay");
        var key = (RedisKey)("{folio:" + name + "}:p:1");
        var redis = SharedRedis.Connection.GetDatabase();
        byte[] old;
        using (var db = FolioDatabase.Open(RedisPageStore.Open(SharedRedis.Connection, name), new FolioOptions { Codec = TestCodecs.Create("aes"), ProcessScope = new object() }, ownsStore: true))
        using (var c = db.OpenConnection())
        {
            c.Execute("CREATE TABLE a(v TEXT); CREATE TABLE b(v TEXT); INSERT INTO a VALUES ('balance 100'); INSERT INTO b VALUES ('b');");
            old = redis.StringGet(key)!;
            c.Execute("UPDATE a SET v = 'balance 0'");
        }
        redis.StringSet(key, old); // authentic: this database's page 1, written by an older version

        var fresh = new FolioOptions { Codec = TestCodecs.Create("aes"), CachePages = 0, ProcessScope = new object() };
        using var reader = FolioDatabase.Open(RedisPageStore.Open(SharedRedis.Connection, name), fresh, ownsStore: true);
        using var r = reader.OpenConnection();
        var error = Assert.Throws<FolioException>(() => r.ExecuteScalar("SELECT v FROM a"))!;
        var cause = error.InnerException as PageCorruptException;
        Assert.That(cause, Is.Not.Null, error.ToString());
        Assert.That(cause!.PageNumber, Is.EqualTo(1));
        Assert.That(cause.Check, Is.EqualTo(PageCheck.Version));
        Assert.That(cause.Message, Does.Contain("older copy"));
        Assert.That(r.ExecuteScalar("SELECT v FROM b"), Is.EqualTo("b"));
    }
}
