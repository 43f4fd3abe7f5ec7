using Folio.Storage;
using Folio.Testing;
using NUnit.Framework;

namespace Folio.Tests.Codecs;

/// <summary>
/// The version map and <see cref="PageRekey"/>: a database encrypted without a map is refused by
/// name until a rekey writes the whole map, after which a fresh process refuses a page put back;
/// a rekey of a mapped database keeps the map true batch after batch.
/// </summary>
[TestFixtureSource(nameof(Kinds))]
public class VersionMapRekeyTests(StoreKind kind) : StoreTest
{
    public static IEnumerable<StoreKind> Kinds() => [StoreKind.Memory, StoreKind.File];

    private static FolioOptions Fresh(IPageKeyProvider keys, bool migrating = false) => new()
    {
        Codec = new PageCodec(PageCompression.None, keys) { AcceptUnencryptedPages = migrating },
        ProcessScope = new object(),
        CachePages = 0,
    };

    private static void Run(IPageStore store, FolioOptions options, string sql)
    {
        using var db = FolioDatabase.Open(store, options);
        using var c = db.OpenConnection();
        c.Execute(sql);
    }

    private static object? Scalar(IPageStore store, FolioOptions options, string sql)
    {
        using var db = FolioDatabase.Open(store, options);
        using var c = db.OpenConnection();
        return c.ExecuteScalar(sql);
    }

    /// <summary>A plain database of about 1,300 pages (a map of two levels once encrypted).</summary>
    private IPageStore CreatePlain()
    {
        var store = Stores.Create(kind);
        Run(store, new FolioOptions { ProcessScope = new object() }, "CREATE TABLE big(id INTEGER PRIMARY KEY, v BLOB);"
            + "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2600) INSERT INTO big SELECT i, zeroblob(2000) FROM n;");
        return store;
    }

    [Test]
    public void ADatabaseEncryptedWithoutAMapIsRefusedUntilARekeyWritesIt()
    {
        var keys = TestCodecs.Keys();
        var store = CreatePlain();
        // Written while migrating: encrypted pages, but no map (the version it began from had none).
        Run(store, Fresh(keys, migrating: true), "UPDATE big SET v = zeroblob(7) WHERE id = 1");
        var error = Assert.Throws<PageCorruptException>(() => FolioDatabase.Open(store, Fresh(keys)))!;
        Assert.That(error.PageNumber, Is.EqualTo(0));
        Assert.That(error.Message, Does.Contain("carries no version map").And.Contain("folio rekey"));

        var result = PageRekey.Run(store, new PageCodec(PageCompression.None, keys), batchPages: 300);
        var pageCount = store.GetHead().PageCount;
        Assert.That(result.Batches, Is.EqualTo((int)((pageCount + 299) / 300)), "one commit per batch, the whole map with the first");
        Assert.That(Scalar(store, Fresh(keys), "SELECT sum(length(v)) FROM big"), Is.EqualTo(2599L * 2000 + 7));
        Assert.That(Scalar(store, Fresh(keys), "PRAGMA integrity_check"), Is.EqualTo("ok"));

        // Now a fresh process refuses a page put back.
        var last = store.GetHead().PageCount - 1;
        var old = RawStores.Stored(store, last);
        Run(store, Fresh(keys), "UPDATE big SET v = zeroblob(1999) WHERE id = 2600");
        RawStores.Overwrite(store, last, old);
        using var db = FolioDatabase.Open(store, Fresh(keys));
        using var c = db.OpenConnection();
        var failure = Assert.Throws<FolioException>(() => c.ExecuteScalar("SELECT sum(length(v)) FROM big"))!;
        Assert.That((failure.InnerException as PageCorruptException)?.Check, Is.EqualTo(PageCheck.Version), failure.ToString());
    }

    [Test]
    public void ARekeyOfAMappedDatabaseKeepsTheMapTrueAndARerunWritesNothing()
    {
        var store = CreatePlain();
        PageRekey.Run(store, new PageCodec(PageCompression.None, TestCodecs.Keys(1)), batchPages: 500);
        var rotated = TestCodecs.Keys(1, 2);
        var result = PageRekey.Run(store, new PageCodec(PageCompression.None, rotated), batchPages: 200);
        Assert.That(result.Batches, Is.GreaterThan(1));
        Assert.That(PageRekey.Run(store, new PageCodec(PageCompression.None, rotated)).Rewritten, Is.Zero, "nothing left under the old key");
        Assert.That(Scalar(store, Fresh(rotated), "SELECT count(*) || ' ' || sum(length(v)) FROM big"), Is.EqualTo($"2600 {2600 * 2000}"));
        Assert.That(Scalar(store, Fresh(rotated), "PRAGMA integrity_check"), Is.EqualTo("ok"));
    }
}
