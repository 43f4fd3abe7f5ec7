using Folio.Storage;
using Folio.Testing;
using NUnit.Framework;

namespace Folio.Tests.Codecs;

/// <summary>Databases written and read back through every codec variant, on memory and file stores.</summary>
[TestFixtureSource(nameof(Fixtures))]
public class CodecRoundTripTests(StoreKind kind, string variant) : StoreTest
{
    private const string Marker = "FOLIO-MARKER-7f3a9c";

    public static IEnumerable<TestFixtureData> Fixtures() =>
        from kind in new[] { StoreKind.Memory, StoreKind.File }
        from variant in TestCodecs.Variants
        select new TestFixtureData(kind, variant);

    private bool Encrypted => variant.StartsWith("aes", StringComparison.Ordinal);

    private bool Compressed => variant is not "aes";

    private FolioOptions Options(string? name = null) => new()
    {
        Codec = TestCodecs.Create(variant),
        ProcessScope = new object(),
        CachePages = 0,
        Name = name,
    };

    private static void Fill(FolioConnection c)
    {
        c.Execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
        c.Execute("CREATE INDEX t_v ON t(v)");
        c.Execute("BEGIN");
        for (var i = 0; i < 2000; i++)
        {
            c.Execute("INSERT INTO t(v) VALUES (?1)", $"row {i} of a text-heavy table: {Marker} the quick brown fox jumps over the lazy dog {i % 17}");
        }
        c.Execute("COMMIT");
        c.Execute("UPDATE t SET v = v || ' (updated)' WHERE id % 3 = 0");
        c.Execute("DELETE FROM t WHERE id % 10 = 0");
    }

    [Test]
    public void WhatIsWrittenReadsBackInAnotherAttachment()
    {
        var store = Stores.Create(kind);
        using (var db = FolioDatabase.Open(store, Options()))
        using (var c = db.OpenConnection())
        {
            Fill(c);
        }
        using var reopened = FolioDatabase.Open(Stores.Reopen(kind, store), Options(store.Name + "-again"));
        using var r = reopened.OpenConnection();
        Assert.That(r.ExecuteScalar("PRAGMA integrity_check"), Is.EqualTo("ok"));
        Assert.That(r.ExecuteScalar("SELECT count(*) FROM t"), Is.EqualTo(1800L));
        Assert.That(r.ExecuteScalar("SELECT count(*) FROM t WHERE v LIKE '%(updated)'"), Is.EqualTo(600L));
        Assert.That(r.ExecuteScalar("SELECT v FROM t WHERE id = 2"), Does.Contain(Marker));
    }

    [Test]
    public void EveryStoredValueIsInTheNewFormatWithItsStages()
    {
        var store = Stores.Create(kind);
        using (var db = FolioDatabase.Open(store, Options()))
        using (var c = db.OpenConnection())
        {
            Fill(c);
        }
        var values = RawStores.AllStored(store);
        Assert.That(values.Select(v => v[2]), Is.All.EqualTo(3), "format 3");
        Assert.That(values.Select(v => (v[3] & 0b1000) != 0), Is.All.EqualTo(Encrypted), "the encrypted flag");
        var stored = values.Sum(v => (long)v.Length);
        var raw = (long)values.Count * store.PageSize;
        if (Compressed)
        {
            Assert.That(values.Count(v => (v[3] & 0b0011) != 0), Is.GreaterThan(values.Count / 2), "most pages are compressed");
            Assert.That(stored, Is.LessThan(raw * 7 / 10), "text-heavy pages shrink");
        }
        else
        {
            Assert.That(stored, Is.GreaterThan(raw));
        }
    }

    [Test]
    public void AMarkerStringIsNowhereInTheRawStoreWhenEncrypted()
    {
        var store = Stores.Create(kind);
        using (var db = FolioDatabase.Open(store, Options()))
        using (var c = db.OpenConnection())
        {
            Fill(c);
            if (Encrypted)
            {
                Assert.That(TestCodecs.Contains(RawStores.RawBytes(store), Marker), Is.False, "checked while the database is open, WAL and all");
            }
        }
        var raw = RawStores.RawBytes(store);
        Assert.That(raw.Length, Is.GreaterThan(40_000), "the raw bytes hold the database");
        if (Encrypted)
        {
            Assert.That(TestCodecs.Contains(raw, Marker), Is.False);
            Assert.That(TestCodecs.Contains(raw, "quick brown fox"), Is.False);
        }
    }

    [Test]
    public void APageThatDoesNotShrinkIsStoredRawAndFlagged()
    {
        var store = Stores.Create(kind);
        using (var db = FolioDatabase.Open(store, Options()))
        using (var c = db.OpenConnection())
        {
            c.Execute("CREATE TABLE b(v BLOB); INSERT INTO b VALUES (randomblob(40000));");
            Assert.That(c.ExecuteScalar("SELECT length(v) FROM b"), Is.EqualTo(40000L));
        }
        var values = RawStores.AllStored(store);
        var headerSize = Encrypted ? 48 : 24;
        // With encryption page 0 also carries the version map (flag bit 4), which makes it longer; so does nothing else in a database this small.
        Assert.That(values.Count(v => (v[3] & 0b1_0000) != 0), Is.EqualTo(Encrypted ? 1 : 0));
        var raw = values.Where(v => (v[3] & 0b0011) == 0 && (v[3] & 0b1_0000) == 0).ToList();
        Assert.That(raw, Has.Count.GreaterThanOrEqualTo(8), "the overflow pages of random bytes");
        Assert.That(raw.Select(v => v.Length), Is.All.EqualTo(headerSize + store.PageSize));
        Assert.That(raw.Select(v => (v[3] & 0b0100) != 0), Is.All.EqualTo(Compressed), "flagged as incompressible when compression was asked for");
    }
}
