using Folio.Queries;
using Folio.Storage;
using Folio.Testing;
using NUnit.Framework;

namespace Folio.Tests.Codecs;

/// <summary>
/// The authenticated version map of an encrypted database: an older authentic copy of a page,
/// put back in the store, is refused by a process that never saw the newer write (each test
/// reads through a state of its own, as a fresh process would), and so are a page 0 put back,
/// a carrier of the map put back, and a deleted value. Small databases keep the whole map in
/// page 0; the large ones here have a map of two levels.
/// </summary>
[TestFixtureSource(nameof(Fixtures))]
public class VersionMapTests(StoreKind kind, string variant) : StoreTest
{
    public static IEnumerable<TestFixtureData> Fixtures() =>
        from kind in new[] { StoreKind.Memory, StoreKind.File }
        from variant in new[] { "aes", "aes+lz4" }
        select new TestFixtureData(kind, variant);

    /// <summary>Options for a process of its own: nothing it learned reaches another.</summary>
    private FolioOptions FreshProcess(string name) => new()
    {
        Codec = TestCodecs.Create(variant),
        ProcessScope = new object(),
        CachePages = 0,
        Name = name,
    };

    private IPageStore Create(string sql, string name = "db")
    {
        var store = Stores.Create(kind, name);
        Run(store, sql);
        return store;
    }

    private void Run(IPageStore store, string sql)
    {
        using var db = FolioDatabase.Open(store, FreshProcess(store.Name + "-writer"));
        using var c = db.OpenConnection();
        c.Execute(sql);
    }

    private static PageCorruptException Refused(FolioConnection c, string sql, long page)
    {
        var error = Assert.Throws<FolioException>(() => c.ExecuteScalar(sql))!;
        var cause = error.InnerException as PageCorruptException;
        Assert.That(cause, Is.Not.Null, error.ToString());
        Assert.That(cause!.PageNumber, Is.EqualTo(page), cause.Message);
        Assert.That(cause.Check, Is.EqualTo(PageCheck.Version), cause.Message);
        Assert.That(error.Message, Does.Contain($"page {page}"));
        Assert.That(c.ExecuteScalar("SELECT 40 + 2"), Is.EqualTo(42L), "the connection carries on");
        return cause;
    }

    [Test]
    public void APagePutBackFromAnOlderVersionIsRefusedByAFreshProcess()
    {
        var store = Create("CREATE TABLE a(v TEXT); CREATE TABLE b(v TEXT); INSERT INTO a VALUES ('alpha'); INSERT INTO b VALUES ('beta');");
        var old = RawStores.Stored(store, 1);
        Run(store, "UPDATE a SET v = 'alpha, paid'");
        RawStores.Overwrite(store, 1, old); // authentic, from an older version

        using var db = FolioDatabase.Open(store, FreshProcess(store.Name + "-fresh"));
        using var c = db.OpenConnection();
        var cause = Refused(c, "SELECT v FROM a", 1);
        Assert.That(cause.Message, Does.Contain("older copy"));
        Assert.That(c.ExecuteScalar("SELECT v FROM b"), Is.EqualTo("beta"), "the pages that are the last writes read as before");
    }

    [Test]
    public void WithoutTheMapTheSameReplayWouldBeAccepted()
    {
        // The check above must come from the map: the page put back is authentic, and decodes.
        var store = Create("CREATE TABLE a(v TEXT); INSERT INTO a VALUES ('alpha');");
        var old = RawStores.Stored(store, 1);
        var oldVersion = store.GetHead().Version;
        Run(store, "UPDATE a SET v = 'alpha, paid'");
        var head = store.GetHead();
        var written = TestCodecs.Create(variant).Decode(store.Name, new PageAddress(head.Lineage.DatabaseId, 1, head.Version), old, new byte[store.PageSize]);
        Assert.That(written, Is.LessThanOrEqualTo(oldVersion));
    }

    [Test]
    public void APage0PutBackIsRefusedWhenTheDatabaseOpens()
    {
        var store = Create("CREATE TABLE a(v TEXT); INSERT INTO a VALUES ('alpha');");
        var old = RawStores.Stored(store, 0);
        Run(store, "INSERT INTO a VALUES ('beta')");
        RawStores.Overwrite(store, 0, old);

        var error = Assert.Throws<PageCorruptException>(() => FolioDatabase.Open(store, FreshProcess(store.Name + "-fresh")))!;
        Assert.That(error.PageNumber, Is.EqualTo(0));
        Assert.That(error.Check, Is.EqualTo(PageCheck.Version));
        Assert.That(error.Message, Does.Contain("every commit rewrites page 0"));
    }

    [Test]
    public void ADeletedValueIsRefused()
    {
        var store = Create("CREATE TABLE a(v TEXT); CREATE TABLE b(v TEXT); INSERT INTO b VALUES ('beta');");
        RawStores.Overwrite(store, 2, []);

        using var db = FolioDatabase.Open(store, FreshProcess(store.Name + "-fresh"));
        using var c = db.OpenConnection();
        Assert.That(Refused(c, "SELECT v FROM b", 2).Message, Does.Contain("deleted"));
    }

    [Test]
    public void PagesCutOffTheEndBehindFolioAreRefused()
    {
        var store = Create("CREATE TABLE a(v TEXT); INSERT INTO a VALUES ('alpha'); CREATE TABLE b(v TEXT); INSERT INTO b VALUES ('beta');");
        var head = store.GetHead();
        // Anyone who can write the store can commit a lower page count (and a new version) without touching a value.
        store.Commit(new StoreCommit(head.Lineage, head.Version, head.PageCount - 1, []));

        var error = Assert.Throws<PageCorruptException>(() => FolioDatabase.Open(store, FreshProcess(store.Name + "-fresh")))!;
        Assert.That(error.PageNumber, Is.EqualTo(0));
        Assert.That(error.Check, Is.EqualTo(PageCheck.Version));
    }

    [Test]
    public void AWarmProcessCommitsWithoutReadingTheMapFromTheStore()
    {
        var store = Create("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);");
        using var db = FolioDatabase.Open(store, new FolioOptions { Codec = TestCodecs.Create(variant), ProcessScope = new object() });
        using var c = db.OpenConnection();
        c.Execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 8000) INSERT INTO t(v) SELECT printf('row %06d with some text', i) FROM n");
        Assert.That(store.GetHead().PageCount, Is.GreaterThan(VersionMapNodes.Fanout), "a map of two levels");
        var read = db.Statistics.PagesRead;
        for (var i = 0; i < 200; i++)
        {
            c.Execute($"INSERT INTO t(v) VALUES ('more {i}')");
        }
        // Its own commits taught it every node it changes next: nothing is read back.
        Assert.That(db.Statistics.PagesRead - read, Is.Zero);
    }

    /// <summary>About 1,300 pages (a map of two levels): rows of 2,000 bytes, about two per page.</summary>
    private IPageStore CreateLarge()
    {
        var store = Create("CREATE TABLE big(id INTEGER PRIMARY KEY, v BLOB);"
            + "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2600) INSERT INTO big SELECT i, zeroblob(2000) FROM n;");
        Assert.That(store.GetHead().PageCount, Is.GreaterThan(VersionMapNodes.Fanout * VersionMapNodes.Fanout));
        return store;
    }

    [Test]
    public void InALargeDatabaseAPagePutBackIsRefusedByAFreshProcess()
    {
        var store = CreateLarge();
        var last = store.GetHead().PageCount - 1;
        var old = RawStores.Stored(store, last);
        Run(store, "UPDATE big SET v = zeroblob(1999) WHERE id = (SELECT max(id) FROM big)");
        Assert.That(RawStores.Stored(store, last), Is.Not.EqualTo(old), "the update rewrote the last page");
        RawStores.Overwrite(store, last, old);

        using var db = FolioDatabase.Open(store, FreshProcess(store.Name + "-fresh"));
        using var c = db.OpenConnection();
        // The last page carried its leaf of the map: the copy put back carries an older leaf.
        var cause = Refused(c, "SELECT sum(length(v)) FROM big", last);
        Assert.That(cause.Message, Does.Contain("older copy"));
    }

    [Test]
    public void InALargeDatabaseAStalePageIsRefusedThroughTheLeafAnotherPageCarries()
    {
        var store = CreateLarge();
        var pageCount = store.GetHead().PageCount;
        var last = pageCount - 1;
        var neighbour = last - 1;
        Assert.That(VersionMapNodes.NodeOf(neighbour, 0), Is.EqualTo(VersionMapNodes.NodeOf(last, 0)), "two pages of one leaf");
        Run(store, "UPDATE big SET v = zeroblob(1998) WHERE id IN (SELECT id FROM big ORDER BY id DESC LIMIT 3)");
        var old = RawStores.Stored(store, neighbour);
        Run(store, "UPDATE big SET v = zeroblob(1997) WHERE id IN (SELECT id FROM big ORDER BY id DESC LIMIT 3)");
        Run(store, "UPDATE big SET v = zeroblob(1996) WHERE id = (SELECT max(id) FROM big)");
        RawStores.Overwrite(store, neighbour, old);

        using var db = FolioDatabase.Open(store, FreshProcess(store.Name + "-fresh"));
        using var c = db.OpenConnection();
        Refused(c, "SELECT sum(length(v)) FROM big", neighbour);
    }

    [Test]
    public void AFreshProcessWritesALargeDatabaseAndAnotherReadsItBack()
    {
        var store = CreateLarge();
        // Each writer starts with no map: a commit far from page 0 reads the nodes it changes first.
        Run(store, "UPDATE big SET v = zeroblob(10) WHERE id = 2500");
        Run(store, "UPDATE big SET v = zeroblob(11) WHERE id = 1300");
        Run(store, "DELETE FROM big WHERE id > 2000; VACUUM;");
        using var db = FolioDatabase.Open(store, FreshProcess(store.Name + "-fresh"));
        using var c = db.OpenConnection();
        Assert.That(c.ExecuteScalar("SELECT count(*) || ' ' || sum(length(v)) FROM big"), Is.EqualTo($"2000 {1999 * 2000 + 11}"));
        Assert.That(c.ExecuteScalar("PRAGMA integrity_check"), Is.EqualTo("ok"));
    }

    /// <summary>A session of a fresh process whose store refuses every synchronous call once it is open.</summary>
    private FolioSession OpenAsyncOnly(IPageStore store, out Async.AsyncOnlyStore asyncOnly, int cachePages = 16)
    {
        asyncOnly = new Async.AsyncOnlyStore(store);
        var options = FreshProcess(store.Name + "-async");
        options.CachePages = cachePages;
        options.CheckKeysAtAttach = false;
        var session = FolioSession.Open(Vfs.GeneralVfs.Registration, true, asyncOnly, store.PageSize, options, false, [], 0, nameof(VersionMapTests));
        asyncOnly.SyncCallsForbidden = true;
        return session;
    }

    [Test]
    public async Task TheAsynchronousPathFetchesTheMapItLacksWithoutASynchronousStoreCall()
    {
        var store = CreateLarge();
        using (var session = OpenAsyncOnly(store, out var asyncOnly))
        {
            // A fresh state writes far from page 0: the commit's old map nodes are fetched, awaited.
            await session.RunAsync(session, s => s.Connection.Execute("UPDATE big SET v = zeroblob(5) WHERE id = 2599"), default);
            // A transaction whose statements are separate calls commits at its end, fetching what its commit lacks.
            await session.TransactionAsync(session, async (s, ct) =>
            {
                await s.RunAsync(s, x => x.Connection.Execute("UPDATE big SET v = zeroblob(6) WHERE id = 1300"), ct);
                await s.RunAsync(s, x => x.Connection.Execute("UPDATE big SET v = zeroblob(7) WHERE id = 2000"), ct);
            }, default);
            Assert.That(await session.RunAsync(session, s => s.Connection.ExecuteScalar("SELECT sum(length(v)) FROM big"), default), Is.EqualTo(2597L * 2000 + 5 + 6 + 7));
            Assert.That(asyncOnly.AsyncCommits, Is.EqualTo(2));
            asyncOnly.SyncCallsForbidden = false;
        }
        using var db = FolioDatabase.Open(store, FreshProcess(store.Name + "-check"));
        using var c = db.OpenConnection();
        Assert.That(c.ExecuteScalar("SELECT group_concat(length(v)) FROM big WHERE id IN (1300, 2000, 2599)"), Is.EqualTo("6,7,5"));
        Assert.That(c.ExecuteScalar("PRAGMA integrity_check"), Is.EqualTo("ok"));
    }

    [Test]
    public async Task AnAsynchronousCommitOnACachedPageFetchesTheLeafAnotherProcessRewrote()
    {
        var store = CreateLarge();
        using var session = OpenAsyncOnly(store, out var asyncOnly, cachePages: 4096);
        Assert.That(await session.RunAsync(session, s => s.Connection.ExecuteScalar("SELECT count(*) FROM big"), default), Is.EqualTo(2600L));
        asyncOnly.SyncCallsForbidden = false;
        // Another process rewrites pages of the last leaf: the map's node for it moves to a page this one holds no value of.
        Run(store, "UPDATE big SET v = zeroblob(3) WHERE id BETWEEN 2585 AND 2598");
        asyncOnly.SyncCallsForbidden = true;
        var reads = asyncOnly.AsyncPageReads;
        // This process's cache still serves the page it writes; its commit needs that leaf first, awaited.
        await session.RunAsync(session, s => s.Connection.Execute("UPDATE big SET v = zeroblob(4) WHERE id = 2600"), default);
        Assert.That(asyncOnly.AsyncPageReads, Is.GreaterThan(reads), "the changed pages and the map's node were fetched");
        asyncOnly.SyncCallsForbidden = false;
        using var db = FolioDatabase.Open(store, FreshProcess(store.Name + "-check"));
        using var c = db.OpenConnection();
        Assert.That(c.ExecuteScalar("SELECT sum(length(v)) FROM big"), Is.EqualTo(2585L * 2000 + 14 * 3 + 4));
        Assert.That(c.ExecuteScalar("PRAGMA integrity_check"), Is.EqualTo("ok"));
    }

    [Test]
    public async Task TheAsynchronousPathRefusesAPagePutBack()
    {
        var store = CreateLarge();
        var last = store.GetHead().PageCount - 1;
        var old = RawStores.Stored(store, last);
        Run(store, "UPDATE big SET v = zeroblob(1998) WHERE id = 2600");
        RawStores.Overwrite(store, last, old);
        using var session = OpenAsyncOnly(store, out var asyncOnly);
        Exception? error = null;
        try
        {
            await session.RunAsync(session, s => s.Connection.ExecuteScalar("SELECT sum(length(v)) FROM big"), default);
        }
        catch (Exception e) when (e is FolioException or PageCorruptException)
        {
            error = e;
        }
        Assert.That(error, Is.Not.Null, "the read of the page put back fails");
        var cause = error as PageCorruptException ?? error!.InnerException as PageCorruptException;
        Assert.That(cause, Is.Not.Null, error!.ToString());
        Assert.That(cause!.Check, Is.EqualTo(PageCheck.Version));
        Assert.That(cause.PageNumber, Is.EqualTo(last));
        asyncOnly.SyncCallsForbidden = false;
    }
}
