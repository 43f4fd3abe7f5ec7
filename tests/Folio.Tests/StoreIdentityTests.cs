using Folio.Storage;
using NUnit.Framework;

namespace Folio.Tests;

/// <summary>Identities at the store level: a page is bound to its database.</summary>
[TestFixture(StoreKind.Memory)]
[TestFixture(StoreKind.File)]
public class StoreIdentityTests(StoreKind kind) : StoreTest
{
    [Test]
    public void APageCopiedInFromAnotherDatabaseFailsVerificationByName()
    {
        var source = Stores.Create(kind, "source");
        var target = Stores.Create(kind, "target");
        foreach (var (store, value) in new[] { (source, "from source"), (target, "from target") })
        {
            using var db = FolioDatabase.Open(store);
            using var c = db.OpenConnection();
            c.Execute("CREATE TABLE t(v TEXT NOT NULL); INSERT INTO t VALUES (?1);", value);
        }

        // Page 1 (the table's root) of the same schema, copied byte for byte from the other database.
        RawStores.Overwrite(target, 1, RawStores.Stored(source, 1));

        using (var reader = target.BeginRead(0))
        {
            var encoded = new byte[ChecksumPageCodec.HeaderSize + target.PageSize];
            var length = reader.ReadPage(1, encoded);
            var error = Assert.Throws<PageCorruptException>(() =>
                ChecksumPageCodec.Instance.Decode(target.Name, new PageAddress(reader.Lineage.DatabaseId, 1, reader.Version), encoded.AsSpan(0, length), new byte[target.PageSize]));
            Assert.That(error!.PageNumber, Is.EqualTo(1));
            Assert.That(error.Message, Does.Contain("page 1").And.Contain("another database").And.Contain(reader.Lineage.DatabaseId.ToString("D")));
        }
        using var reopened = FolioDatabase.Open(target);
        using var rc = reopened.OpenConnection();
        var failure = Assert.Throws<FolioException>(() => rc.ExecuteScalar("SELECT v FROM t"));
        Assert.That(failure!.Message, Does.Contain("page 1").And.Contain("another database").And.Contain(target.Name));
    }
}
