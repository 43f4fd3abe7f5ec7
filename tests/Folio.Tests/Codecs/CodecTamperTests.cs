using Folio.Storage;
using Folio.Testing;
using NUnit.Framework;

namespace Folio.Tests.Codecs;

/// <summary>
/// Encrypted pages altered in the store: each alteration is detected, named (database, page, the
/// check that failed), and the process and its connections carry on.
/// </summary>
[TestFixtureSource(nameof(Fixtures))]
public class CodecTamperTests(StoreKind kind, string variant) : StoreTest
{
    public static IEnumerable<TestFixtureData> Fixtures() =>
        from kind in new[] { StoreKind.Memory, StoreKind.File }
        from variant in new[] { "aes", "aes+zstd" }
        select new TestFixtureData(kind, variant);

    private FolioOptions Options(string name) => new()
    {
        Codec = TestCodecs.Create(variant),
        ProcessScope = new object(),
        CachePages = 0,
        Name = name,
    };

    /// <summary>A database of three tables (pages 1, 2, 3 are their roots), each holding one row.</summary>
    private IPageStore Create(string name = "db")
    {
        var store = Stores.Create(kind, name);
        using var db = FolioDatabase.Open(store, Options(store.Name));
        using var c = db.OpenConnection();
        c.Execute("CREATE TABLE a(v TEXT); CREATE TABLE b(v TEXT); CREATE TABLE c(v TEXT);");
        c.Execute("INSERT INTO a VALUES ('alpha'); INSERT INTO b VALUES ('beta'); INSERT INTO c VALUES ('gamma');");
        return store;
    }

    private static PageCorruptException Detected(FolioConnection c, string sql, long page, PageCheck check, string database)
    {
        var error = Assert.Throws<FolioException>(() => c.ExecuteScalar(sql))!;
        var cause = error.InnerException as PageCorruptException;
        Assert.That(cause, Is.Not.Null, error.ToString());
        Assert.That(cause!.PageNumber, Is.EqualTo(page));
        Assert.That(cause.Check, Is.EqualTo(check));
        Assert.That(error.Message, Does.Contain(database).And.Contain($"page {page}"));
        // The process and the connection survive.
        Assert.That(c.ExecuteScalar("SELECT 40 + 2"), Is.EqualTo(42L));
        return cause;
    }

    [Test]
    public void AFlippedBitFailsAuthentication()
    {
        var store = Create();
        var value = RawStores.Stored(store, 2);
        value[48 + (value.Length - 48) / 2] ^= 0x01;
        RawStores.Overwrite(store, 2, value);

        using var db = FolioDatabase.Open(store, Options(store.Name + "-read"));
        using var c = db.OpenConnection();
        Assert.That(c.ExecuteScalar("SELECT v FROM a"), Is.EqualTo("alpha"));
        var cause = Detected(c, "SELECT v FROM b", 2, PageCheck.Authentication, db.Name);
        Assert.That(cause.Message, Does.Contain("AES-GCM"));
        Assert.That(c.ExecuteScalar("SELECT v FROM c"), Is.EqualTo("gamma"));
    }

    [Test]
    public void AFlippedBitInTheHeaderIsDetectedToo()
    {
        var store = Create();
        var value = RawStores.Stored(store, 3);
        value[8] ^= 0x01; // the writing version
        RawStores.Overwrite(store, 3, value);

        using var db = FolioDatabase.Open(store, Options(store.Name + "-read"));
        using var c = db.OpenConnection();
        Detected(c, "SELECT v FROM c", 3, PageCheck.Authentication, db.Name);
    }

    [Test]
    public void TwoSwappedPagesFailAuthentication()
    {
        var store = Create();
        var (one, two) = (RawStores.Stored(store, 1), RawStores.Stored(store, 2));
        RawStores.Overwrite(store, 1, two);
        RawStores.Overwrite(store, 2, one);

        using var db = FolioDatabase.Open(store, Options(store.Name + "-read"));
        using var c = db.OpenConnection();
        Detected(c, "SELECT v FROM a", 1, PageCheck.Authentication, db.Name);
        Detected(c, "SELECT v FROM b", 2, PageCheck.Authentication, db.Name);
        Assert.That(c.ExecuteScalar("SELECT v FROM c"), Is.EqualTo("gamma"));
    }

    [Test]
    public void APageCopiedFromAnotherDatabaseUnderTheSameKeyFailsAuthentication()
    {
        var source = Create("source");
        var target = Create("target");
        RawStores.Overwrite(target, 1, RawStores.Stored(source, 1));

        using var db = FolioDatabase.Open(target, Options(target.Name + "-read"));
        using var c = db.OpenConnection();
        var cause = Detected(c, "SELECT v FROM a", 1, PageCheck.Authentication, db.Name);
        Assert.That(cause.Message, Does.Contain(target.GetHead().Lineage.DatabaseId.ToString("D")));
    }

    [Test]
    public void APagePutBackFromAnOlderVersionIsDetectedByTheProcessThatSawTheNewerWrite()
    {
        var store = Create();
        var old = RawStores.Stored(store, 1);
        using var db = FolioDatabase.Open(store, Options(store.Name + "-live"));
        using (var c = db.OpenConnection())
        {
            c.Execute("UPDATE a SET v = 'alpha, paid'");
        }
        Assert.That(RawStores.Stored(store, 1), Is.Not.EqualTo(old));
        RawStores.Overwrite(store, 1, old); // authentic, but from an older version

        using var r = db.OpenConnection();
        var cause = Detected(r, "SELECT v FROM a", 1, PageCheck.Version, db.Name);
        Assert.That(cause.Message, Does.Contain("older copy"));
        Assert.That(r.ExecuteScalar("SELECT v FROM b"), Is.EqualTo("beta"));
    }

    [Test]
    public void APageFromALaterVersionThanTheReadIsRefused()
    {
        var store = Create();
        using (var db = FolioDatabase.Open(store, Options(store.Name + "-w")))
        using (var c = db.OpenConnection())
        {
            c.Execute("UPDATE b SET v = 'beta 2'");
        }
        var codec = TestCodecs.Create(variant);
        var head = store.GetHead();
        var value = RawStores.Stored(store, 2);
        var error = Assert.Throws<PageCorruptException>(() =>
            codec.Decode(store.Name, new PageAddress(head.Lineage.DatabaseId, 2, head.Version - 1), value, new byte[store.PageSize]))!;
        Assert.That(error.Check, Is.EqualTo(PageCheck.Version));
        Assert.That(codec.Decode(store.Name, new PageAddress(head.Lineage.DatabaseId, 2, head.Version), value, new byte[store.PageSize]), Is.EqualTo(head.Version));
    }
}
