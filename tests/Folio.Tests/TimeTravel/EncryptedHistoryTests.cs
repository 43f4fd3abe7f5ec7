using Folio.Storage;
using Folio.Testing;
using NUnit.Framework;

namespace Folio.Tests.TimeTravel;

/// <summary>
/// Time travel on an encrypted database: a past version's page 0 carries that version's map, so
/// a view of it reads and checks the past, and a restore writes a map of its own.
/// </summary>
[TestFixture(StoreKind.Memory)]
[TestFixture(StoreKind.File)]
public sealed class EncryptedHistoryTests(StoreKind kind) : StoreTest
{
    private static FolioOptions Encrypted() => new() { Codec = TestCodecs.Create("aes"), ProcessScope = new object() };

    private static long Count(FolioDatabase db)
    {
        using var c = db.OpenConnection();
        return (long)c.ExecuteScalar("SELECT count(*) FROM t")!;
    }

    [Test]
    public void APastVersionReadsBackAndARestoreIsReadByAFreshProcess()
    {
        using var store = Stores.CreateWithHistory(kind, null, "encrypted-history");
        using var db = FolioDatabase.Open(store, Encrypted());
        BookmarkTests.Fill(db, 3000, pad: 100);
        var before = db.Bookmark;
        using (var c = db.OpenConnection())
        {
            c.Execute("DELETE FROM t WHERE x > 10");
        }
        using (var past = db.OpenAt(before))
        {
            Assert.That(Count(past), Is.EqualTo(3000), "the view reads and checks the past version");
        }
        db.RestoreTo(before);
        Assert.That(Count(db), Is.EqualTo(3000));

        using var fresh = FolioDatabase.Open(store, Encrypted());
        Assert.That(Count(fresh), Is.EqualTo(3000));
        using var check = fresh.OpenConnection();
        Assert.That(check.ExecuteScalar("PRAGMA integrity_check"), Is.EqualTo("ok"));
    }
}
