using Folio.Storage;
using Folio.Testing;
using NUnit.Framework;

namespace Folio.Tests.Codecs;

/// <summary>Keys: a wrong or missing key fails the open before anything is written; keys rotate.</summary>
[TestFixture(StoreKind.Memory)]
[TestFixture(StoreKind.File)]
public class CodecKeyTests(StoreKind kind) : StoreTest
{
    private static FolioOptions With(IPageKeyProvider? keys, PageCompression compression = PageCompression.None) => new()
    {
        Codec = PageCodec.Create(compression, keys),
        ProcessScope = new object(),
    };

    private IPageStore Written(IPageKeyProvider keys)
    {
        var store = Stores.Create(kind);
        using var db = FolioDatabase.Open(store, With(keys));
        using var c = db.OpenConnection();
        c.Execute("CREATE TABLE t(v TEXT); INSERT INTO t VALUES ('secret');");
        return store;
    }

    private static HashSet<uint> KeyIds(IPageStore store) =>
        RawStores.AllStored(store).Select(v => BitConverter.ToUInt32(v, 16)).ToHashSet();

    [Test]
    public void TheWrongKeyFailsTheOpenAndWritesNothing()
    {
        var store = Written(TestCodecs.Keys());
        var before = CommitProtocolTests.Snapshot(store);
        var error = Assert.Throws<PageCorruptException>(() => FolioDatabase.Open(store, With(TestCodecs.WrongKeys())))!;
        Assert.That(error.Check, Is.EqualTo(PageCheck.Authentication));
        Assert.That(error.PageNumber, Is.Zero);
        Assert.That(error.Message, Does.Contain(store.Name).And.Contain("key is wrong"));
        Assert.That(error.Message, Does.Not.Contain(Convert.ToBase64String(TestCodecs.Key(2))).And.Not.Contain(Convert.ToHexString(TestCodecs.Key(2))));
        Assert.That(CommitProtocolTests.Snapshot(store), Is.EqualTo(before));
    }

    [Test]
    public void AMissingKeyFailsTheOpenAndNamesTheKeyId()
    {
        var store = Written(TestCodecs.Keys());
        var before = CommitProtocolTests.Snapshot(store);
        var error = Assert.Throws<PageCorruptException>(() => FolioDatabase.Open(store, With(TestCodecs.Keys(1))))!;
        Assert.That(error.Check, Is.EqualTo(PageCheck.Key));
        Assert.That(error.Message, Does.Contain("key 2"));
        Assert.That(CommitProtocolTests.Snapshot(store), Is.EqualTo(before));
    }

    [Test]
    public void AProviderWithoutItsCurrentKeyIsRefusedBeforeAnythingIsWritten()
    {
        var store = Stores.Create(kind);
        var error = Assert.Throws<InvalidOperationException>(() => FolioDatabase.Open(store, With(new CurrentKeyMissing())))!;
        Assert.That(error.Message, Does.Contain("no key 9").And.Contain("nothing was written"));
        Assert.That(store.GetHead().Version, Is.Zero);
    }

    [Test]
    public void AnEncryptedDatabaseOpenedWithoutKeysNamesThePageAndTheKey()
    {
        var store = Written(TestCodecs.Keys());
        using var db = FolioDatabase.Open(store, new FolioOptions { ProcessScope = new object() });
        var error = Assert.Throws<FolioException>(() =>
        {
            using var c = db.OpenConnection();
            c.ExecuteScalar("SELECT v FROM t");
        })!;
        Assert.That(error.InnerException, Is.TypeOf<PageCorruptException>());
        Assert.That(((PageCorruptException)error.InnerException!).Check, Is.EqualTo(PageCheck.Key));
        Assert.That(error.Message, Does.Contain("encrypted with key 2").And.Contain("without a key provider"));
    }

    [Test]
    public void APlainDatabaseIsRefusedByAnEncryptingCodecUnlessMigrating()
    {
        var store = Stores.Create(kind);
        using (var plain = FolioDatabase.Open(store, new FolioOptions { ProcessScope = new object() }))
        using (var c = plain.OpenConnection())
        {
            c.Execute("CREATE TABLE t(v TEXT); INSERT INTO t VALUES ('plain');");
        }
        var error = Assert.Throws<PageCorruptException>(() => FolioDatabase.Open(store, With(TestCodecs.Keys())))!;
        Assert.That(error.Check, Is.EqualTo(PageCheck.Key));
        Assert.That(error.Message, Does.Contain("not encrypted"));

        var migrating = new FolioOptions { Codec = new PageCodec(PageCompression.None, TestCodecs.Keys()) { AcceptUnencryptedPages = true }, ProcessScope = new object() };
        using var db = FolioDatabase.Open(store, migrating);
        using var m = db.OpenConnection();
        Assert.That(m.ExecuteScalar("SELECT v FROM t"), Is.EqualTo("plain"));
        m.Execute("INSERT INTO t VALUES ('encrypted')");
        Assert.That(RawStores.AllStored(store).Count(v => v[2] == 3 && (v[3] & 0b1000) != 0), Is.GreaterThan(0));
    }

    [Test]
    public void KeysRotateNewWritesUseTheCurrentKeyAndOldPagesStayReadable()
    {
        var store = Written(TestCodecs.Keys(1));
        Assert.That(KeyIds(store), Is.EquivalentTo(new[] { 1u }));
        using (var db = FolioDatabase.Open(store, With(TestCodecs.Keys(1, 2))))
        using (var c = db.OpenConnection())
        {
            c.Execute("CREATE TABLE u(v TEXT); INSERT INTO u VALUES ('after rotation');");
            Assert.That(c.ExecuteScalar("SELECT v FROM t"), Is.EqualTo("secret"));
        }
        Assert.That(KeyIds(store), Is.EquivalentTo(new[] { 1u, 2u }));
        using var again = FolioDatabase.Open(store, With(TestCodecs.Keys(1, 2)));
        using var r = again.OpenConnection();
        Assert.That(r.ExecuteScalar("SELECT (SELECT v FROM t) || ' / ' || (SELECT v FROM u)"), Is.EqualTo("secret / after rotation"));
    }

    [Test]
    public void AnExistingPlainDatabaseTakesCompressionWithoutMigration()
    {
        var store = Stores.Create(kind);
        using (var plain = FolioDatabase.Open(store, new FolioOptions { ProcessScope = new object() }))
        using (var c = plain.OpenConnection())
        {
            c.Execute("CREATE TABLE t(v TEXT); CREATE TABLE u(v TEXT); INSERT INTO t VALUES ('old');");
        }
        using (var db = FolioDatabase.Open(store, With(null, PageCompression.Zstd)))
        using (var c = db.OpenConnection())
        {
            Assert.That(c.ExecuteScalar("SELECT v FROM t"), Is.EqualTo("old"));
            c.Execute("INSERT INTO u VALUES ('new')");
        }
        var formats = RawStores.AllStored(store).Select(v => v[2]).ToHashSet();
        Assert.That(formats, Is.EquivalentTo(new byte[] { 2, 3 }), "untouched pages keep format 2");
        // The default codec reads compressed pages: no configuration needed to read.
        using var reader = FolioDatabase.Open(store, new FolioOptions { ProcessScope = new object() });
        using var r = reader.OpenConnection();
        Assert.That(r.ExecuteScalar("SELECT (SELECT v FROM t) || (SELECT v FROM u)"), Is.EqualTo("oldnew"));
    }

    [Test]
    public void TwoAttachmentsOfOneDatabaseMustAgreeOnTheCodec()
    {
        var store = Written(TestCodecs.Keys());
        var scope = new object();
        using var first = FolioDatabase.Open(store, new FolioOptions { Codec = PageCodec.Create(PageCompression.None, TestCodecs.Keys()), ProcessScope = scope });
        var error = Assert.Throws<InvalidOperationException>(() =>
            FolioDatabase.Open(store, new FolioOptions { Codec = PageCodec.Create(PageCompression.Lz4, TestCodecs.Keys()), ProcessScope = scope, Name = "other" }))!;
        Assert.That(error.Message, Does.Contain("page codec"));
    }

    private sealed class CurrentKeyMissing : IPageKeyProvider
    {
        public uint CurrentKeyId => 9;

        public bool TryGetKey(uint keyId, Span<byte> key) => false;
    }
}
