using Folio.Redis.Tests.Infrastructure;
using System.Buffers.Binary;
using Folio.Storage;
using Folio.Testing;
using NUnit.Framework;
using StackExchange.Redis;

namespace Folio.Redis.Tests;

/// <summary>The store contract exercised directly (no SQLite): versions, pinned reads, the change log, the key layout.</summary>
[TestFixture(SharedRedis.Redis)]
[TestFixture(SharedRedis.Garnet)]
public sealed class StoreContractTests(string server) : ServerFixture(server)
{
    private const int PageSize = 4096;

    [Test]
    public void AReaderPinnedBeforeACommitFailsOnlyOnThePagesThatChanged()
    {
        using var store = RedisPageStore.Open(Connection, SharedRedis.NewName("pinned"));
        store.Commit(new StoreCommit(store.GetHead().Lineage, 0, 4, [Page(0, 1), Page(1, 1), Page(2, 1), Page(3, 1)]));
        using var pinned = store.BeginRead(0);
        using var pinnedBeforeTruncation = store.BeginRead(0);
        Assert.That((pinned.Version, pinned.PageCount), Is.EqualTo((1L, 4L)));

        store.Commit(new StoreCommit(store.GetHead().Lineage, 1, 4, [Page(2, 2)]));
        var buffer = new byte[PageSize + 64];
        Assert.That(pinned.ReadPage(3, buffer), Is.EqualTo(PageSize));
        Assert.That(buffer[0], Is.EqualTo(1), "an unchanged page still reads at the pinned version");
        Assert.That(pinned.ReadPage(1, buffer), Is.EqualTo(PageSize));
        Assert.Throws<StoreConflictException>(() => pinned.ReadPage(2, buffer));

        store.Commit(new StoreCommit(store.GetHead().Lineage, 2, 2, [Page(0, 3)]));
        Assert.That(pinnedBeforeTruncation.ReadPage(1, buffer), Is.EqualTo(PageSize));
        var deleted = Assert.Throws<StoreConflictException>(() => pinnedBeforeTruncation.ReadPage(3, buffer));
        Assert.That(deleted!.Message, Does.Contain("page 3").And.Contain("deleted"));

        using var fresh = store.BeginRead(0);
        Assert.That((fresh.Version, fresh.PageCount), Is.EqualTo((3L, 2L)));
        Assert.That(fresh.ReadPage(0, buffer), Is.EqualTo(PageSize));
        Assert.That(buffer[0], Is.EqualTo(3));
    }

    [Test]
    public void ACommitAtAStaleVersionConflictsAndChangesNothing()
    {
        using var store = RedisPageStore.Open(Connection, SharedRedis.NewName("stale"));
        Assert.That(store.Commit(new StoreCommit(store.GetHead().Lineage, 0, 1, [Page(0, 1)])), Is.EqualTo(1));
        var conflict = Assert.Throws<StoreConflictException>(() => store.Commit(new StoreCommit(store.GetHead().Lineage, 0, 2, [Page(0, 9), Page(1, 9)])));
        Assert.That(conflict!.ActualVersion, Is.EqualTo(1));
        Assert.That((store.GetHead().Version, store.GetHead().PageCount), Is.EqualTo((1L, 1L)));
        using var reader = store.BeginRead(0);
        var buffer = new byte[PageSize];
        reader.ReadPage(0, buffer);
        Assert.That(buffer[0], Is.EqualTo(1));
        Assert.That(store.Conflicts, Is.EqualTo(1));
    }

    [Test]
    public void ReadsReportThePagesChangedSinceTheKnownVersionWhileTheLogReachesBack()
    {
        using var store = RedisPageStore.Open(Connection, SharedRedis.NewName("change-log"), options: new RedisStoreOptions { ChangeLogLength = 3 });
        store.Commit(new StoreCommit(store.GetHead().Lineage, 0, 6, Enumerable.Range(0, 6).Select(p => Page(p, 1)).ToList()));
        store.Commit(new StoreCommit(store.GetHead().Lineage, 1, 6, [Page(1, 2), Page(2, 2), Page(3, 2)]));
        store.Commit(new StoreCommit(store.GetHead().Lineage, 2, 4, [Page(0, 3)]));

        using (var reader = store.BeginRead(1))
        {
            Assert.That(reader.ChangedPagesSinceKnown, Is.EquivalentTo(new long[] { 0, 1, 2, 3, 4, 5 }), "pages written, and pages 4-5 cut off");
        }
        using (var reader = store.BeginRead(3))
        {
            Assert.That(reader.ChangedPagesSinceKnown, Is.Empty);
        }
        using (var reader = store.BeginRead(0))
        {
            Assert.That(reader.ChangedPagesSinceKnown, Is.Null, "a cache that knows nothing must drop everything");
        }

        store.Commit(new StoreCommit(store.GetHead().Lineage, 3, 4, [Page(3, 4)]));
        store.Commit(new StoreCommit(store.GetHead().Lineage, 4, 4, [Page(2, 5)]));
        using (var reader = store.BeginRead(1))
        {
            Assert.That(reader.ChangedPagesSinceKnown, Is.Null, "the 3-entry log no longer reaches back to version 2");
        }
        using (var reader = store.BeginRead(2))
        {
            Assert.That(reader.ChangedPagesSinceKnown, Is.EquivalentTo(new long[] { 0, 2, 3, 4, 5 }));
        }
    }

    [Test]
    public void ReadPagesFetchesABatchInOneRoundTrip()
    {
        using var store = RedisPageStore.Open(Connection, SharedRedis.NewName("batch"));
        store.Commit(new StoreCommit(store.GetHead().Lineage, 0, 8, [Page(1, 1), Page(3, 3), Page(5, 5), Page(7, 7)]));
        using var reader = store.BeginRead(0);
        var before = store.RoundTrips;
        long[] pages = [7, 2, 5, 3, 1];
        var slot = PageSize + 64;
        var destination = new byte[pages.Length * slot];
        var lengths = new int[pages.Length];
        reader.ReadPages(pages, destination, slot, lengths);

        Assert.That(store.RoundTrips - before, Is.EqualTo(1));
        Assert.That(lengths, Is.EqualTo(new[] { PageSize, 0, PageSize, PageSize, PageSize }));
        Assert.That(pages.Select((_, i) => destination[i * slot]), Is.EqualTo(new byte[] { 7, 0, 5, 3, 1 }));
    }

    [Test]
    public void EveryKeyOfADatabaseSharesOneHashSlotAndEveryPageCarriesItsVersion()
    {
        var name = SharedRedis.NewName("layout");
        using var store = RedisPageStore.Open(Connection, name);
        store.Commit(new StoreCommit(store.GetHead().Lineage, 0, 2, [Page(0, 1), Page(1, 1)]));
        store.Commit(new StoreCommit(store.GetHead().Lineage, 1, 2, [Page(1, 2)]));

        var server = Connection.GetServer(Connection.GetEndPoints()[0]);
        var keys = server.Keys(pattern: "{folio:" + name + "}*").ToList();
        Assert.That(keys.Select(k => k.ToString()), Is.EquivalentTo(new[]
        {
            $"{{folio:{name}}}:meta", $"{{folio:{name}}}:log", $"{{folio:{name}}}:p:0", $"{{folio:{name}}}:p:1",
            $"{{folio:{name}}}:ver", $"{{folio:{name}}}:hidx", $"{{folio:{name}}}:h:1",
        }), "the default retention keeps the value of page 1 that version 2 replaced");
        Assert.That(keys.Select(k => Connection.HashSlot(k)).Distinct().Count(), Is.EqualTo(1));

        var redis = Connection.GetDatabase();
        byte[] page0 = redis.StringGet($"{{folio:{name}}}:p:0")!;
        byte[] page1 = redis.StringGet($"{{folio:{name}}}:p:1")!;
        Assert.That(BinaryPrimitives.ReadInt64LittleEndian(page0), Is.EqualTo(1));
        Assert.That(BinaryPrimitives.ReadInt64LittleEndian(page1), Is.EqualTo(2));
        Assert.That(page1.Length, Is.EqualTo(RedisPageStore.ValueHeaderSize + PageSize));
        Assert.That(page1[RedisPageStore.ValueHeaderSize], Is.EqualTo(2), "the rest of the value is exactly what was committed");

        var past = redis.SortedSetRangeByRankWithScores($"{{folio:{name}}}:h:1");
        Assert.That(past.Select(e => e.Score), Is.EqualTo(new[] { 1.0 }), "a past value is scored by the version that wrote it");
        byte[] member = past[0].Element!;
        Assert.That(BinaryPrimitives.ReadInt64LittleEndian(member), Is.EqualTo(2), "it starts with the version that replaced it");
        Assert.That(BinaryPrimitives.ReadInt64LittleEndian(member.AsSpan(RedisPageStore.ValueHeaderSize)), Is.EqualTo(1));
        Assert.That(member.AsSpan(2 * RedisPageStore.ValueHeaderSize).ToArray(), Is.EqualTo(Page(1, 1).Data.ToArray()), "then the value as it was stored");
        Assert.That(redis.SortedSetRangeByRankWithScores($"{{folio:{name}}}:hidx").Select(e => ((string?)e.Element, e.Score)),
            Is.EqualTo(new[] { ($"1:1:{member.Length}", 2.0) }), "the collection index: page, written, bytes, scored by the replacing version");
        Assert.That(redis.SortedSetRangeByRank($"{{folio:{name}}}:ver").Select(v => ((string)v!).Split(':')[0]), Is.EqualTo(new[] { "1", "2" }));
    }

    [Test]
    public void ScriptsGoWithTheirShebangOnRedisAndWithoutItOnGarnetWhichRefusesIt()
    {
        using var store = RedisPageStore.Open(Connection, SharedRedis.NewName("dialect"));
        var garnet = ServerKind == SharedRedis.Garnet;
        Assert.That(Server.Cli("INFO", "server"), garnet ? Does.Contain("garnet_version:") : Does.Not.Contain("garnet_version:"));
        Assert.That(store.ScriptFlags, Is.EqualTo(!garnet), "Garnet is recognised from its handshake");
        var flagged = Server.Cli("EVAL", "#!lua flags=no-writes\nreturn 7", "0");
        Assert.That(flagged, garnet ? Does.Contain("Compilation error") : Does.StartWith("7"));
        Assert.That(store.Commit(new StoreCommit(store.GetHead().Lineage, 0, 1, [Page(0, 1)])), Is.EqualTo(1));
    }

    [Test]
    public void ScriptsFlushedFromRedisAreSentAgainOnce()
    {
        using var store = RedisPageStore.Open(Connection, SharedRedis.NewName("noscript"));
        var lineage = store.GetHead().Lineage; // read outside the counted round trips
        store.Commit(new StoreCommit(lineage, 0, 1, [Page(0, 1)]));
        Server.Cli("SCRIPT", "FLUSH");

        var before = store.RoundTrips;
        store.Commit(new StoreCommit(lineage, 1, 1, [Page(0, 2)]));
        Assert.That(store.RoundTrips - before, Is.EqualTo(2), "EVALSHA answered NOSCRIPT, then EVAL");
        before = store.RoundTrips;
        store.Commit(new StoreCommit(lineage, 2, 1, [Page(0, 3)]));
        Assert.That(store.RoundTrips - before, Is.EqualTo(1), "the script is cached again");
    }

    [Test]
    public void ACommitOnAnotherLineageIsRefusedAsAChangedHistoryAndWritesNothing()
    {
        using var store = RedisPageStore.Open(Connection, SharedRedis.NewName("lineage"));
        var lineage = store.GetHead().Lineage;
        store.Commit(new StoreCommit(lineage, 0, 1, [Page(0, 1)]));

        foreach (var other in new[] { StoreLineage.CreateNew(), lineage with { Epoch = 1 } })
        {
            var error = Assert.Throws<HistoryChangedException>(() => store.Commit(new StoreCommit(other, 1, 2, [Page(0, 9), Page(1, 9)])));
            Assert.That(error!.ExpectedLineage, Is.EqualTo(other));
            Assert.That(error.FoundLineage, Is.EqualTo(lineage));
            Assert.That(error.Message, Does.Contain(store.Name).And.Contain(lineage.DatabaseId.ToString("D")).And.Contain(other.DatabaseId.ToString("D")));
        }
        Assert.That(store.GetHead(), Is.EqualTo(new StoreHead(1, 1, lineage)));
        using var reader = store.BeginRead(0);
        var buffer = new byte[PageSize];
        reader.ReadPage(0, buffer);
        Assert.That(buffer[0], Is.EqualTo(1), "nothing of the refused commits was written");
    }

    [Test]
    public void HeadsAndReadsReportTheIdentityKeptInTheMetadataHash()
    {
        var name = SharedRedis.NewName("identity");
        using var store = RedisPageStore.Open(Connection, name);
        var id = Guid.ParseExact((string)Connection.GetDatabase().HashGet($"{{folio:{name}}}:meta", "id")!, "N");
        Assert.That(store.GetHead().Lineage, Is.EqualTo(new StoreLineage(id, 0)));
        store.Commit(new StoreCommit(store.GetHead().Lineage, 0, 1, [Page(0, 1)]));
        using (var reader = store.BeginRead(0))
        {
            Assert.That(reader.Lineage, Is.EqualTo(new StoreLineage(id, 0)));
        }
        using var other = Connect();
        using var again = RedisPageStore.Open(other, name);
        Assert.That(again.GetHead().Lineage, Is.EqualTo(new StoreLineage(id, 0)), "another opener finds the same identity");
    }

    [Test]
    public void ADatabaseFromBeforeIdentitiesGetsOneOnOpenAndStaysReadable()
    {
        var name = SharedRedis.NewName("legacy");
        var redis = Connection.GetDatabase();
        var pages = LegacyDatabase.Pages(PageSize);
        redis.HashSet($"{{folio:{name}}}:meta", [
            new HashEntry("page_size", PageSize), new HashEntry("format", 1),
            new HashEntry("version", 1), new HashEntry("pages", pages.Count)]);
        foreach (var page in pages)
        {
            var value = new byte[RedisPageStore.ValueHeaderSize + page.Data.Length];
            BinaryPrimitives.WriteInt64LittleEndian(value, 1);
            page.Data.Span.CopyTo(value.AsSpan(RedisPageStore.ValueHeaderSize));
            redis.StringSet($"{{folio:{name}}}:p:{page.Number}", value);
        }

        StoreLineage lineage;
        using (var db = FolioDatabase.Open(RedisPageStore.Open(Connection, name), ownsStore: true))
        using (var c = db.OpenConnection())
        {
            lineage = db.Store.GetHead().Lineage;
            Assert.That(lineage.IsEmpty, Is.False);
            Assert.That((string?)redis.HashGet($"{{folio:{name}}}:meta", "id"), Is.EqualTo(lineage.DatabaseId.ToString("N")), "the identity is stored with the data");
            Assert.That((int)redis.HashGet($"{{folio:{name}}}:meta", "format"), Is.EqualTo(RedisPageStore.Format), "opening upgrades the layout, so a Folio.Redis without history refuses it");
            Assert.That(c.ExecuteScalar("SELECT group_concat(v, ',') FROM t"), Is.EqualTo(LegacyDatabase.Rows), "format 1 pages still verify");
            c.Execute("INSERT INTO t VALUES ('new')");
        }
        using var again = FolioDatabase.Open(RedisPageStore.Open(Connect(), name), ownsStore: true);
        Assert.That(again.Store.GetHead().Lineage, Is.EqualTo(lineage));
        using var ac = again.OpenConnection();
        Assert.That(ac.ExecuteScalar("SELECT group_concat(v, ',') FROM t"), Is.EqualTo(LegacyDatabase.Rows + ",new"));
    }

    [TestCase("a{b")]
    [TestCase("a}b")]
    [TestCase("tab\there")]
    [TestCase("")]
    public void NamesThatCannotCarryAHashTagAreRefused(string name)
    {
        var error = Assert.Catch<ArgumentException>(() => RedisPageStore.Open(Connection, name));
        Assert.That(error!.ParamName, Is.EqualTo("database"));
    }

    [Test]
    public void ABatchThatIsNotAscendingIsRefusedBeforeReachingRedis()
    {
        using var store = RedisPageStore.Open(Connection, SharedRedis.NewName("order"));
        var lineage = store.GetHead().Lineage; // read outside the counted round trips
        var before = store.RoundTrips;
        var error = Assert.Throws<ArgumentException>(() => store.Commit(new StoreCommit(lineage, 0, 3, [Page(2, 1), Page(1, 1)])));
        Assert.That(error!.Message, Does.Contain("page 1"));
        Assert.Throws<ArgumentException>(() => store.Commit(new StoreCommit(lineage, 0, 2, [Page(2, 1)])));
        Assert.That(store.RoundTrips, Is.EqualTo(before));
    }

    [Test]
    public void OptionsOutOfRangeAreNamed()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            RedisPageStore.Open(Connection, SharedRedis.NewName("options"), options: new RedisStoreOptions { ChangeLogLength = 0 }));
        Assert.That(error!.ParamName, Is.EqualTo(nameof(RedisStoreOptions.ChangeLogLength)));
    }

    private static StorePage Page(long number, byte fill)
    {
        var data = new byte[PageSize];
        data.AsSpan().Fill(fill);
        return new StorePage(number, data);
    }
}
