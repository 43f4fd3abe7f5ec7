using Folio.Storage;
using NUnit.Framework;

namespace Folio.Tests;

/// <summary>The outer file's page size (<see cref="FileStoreOptions.OuterPageSize"/>).</summary>
public sealed class FileLayoutTests : StoreTest
{
    [Test]
    public void ANewFileTakesTheOuterPageSizeAndAnExistingOneKeepsItsOwn()
    {
        var path = Path.Combine(Stores.Directory, "large.folio");
        using (var store = FilePageStore.Open(path, "main", 4096, new FileStoreOptions { OuterPageSize = 65536 }))
        using (var db = FolioDatabase.Open(store))
        using (var c = db.OpenConnection())
        {
            c.Execute("CREATE TABLE t(x); INSERT INTO t WITH RECURSIVE s(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM s WHERE v < 3000) SELECT randomblob(500) FROM s");
        }
        Assert.That(OuterPageSize(path), Is.EqualTo(65536));

        using (var again = FilePageStore.Open(path, "main", 4096, new FileStoreOptions { OuterPageSize = 4096 }))
        using (var db = FolioDatabase.Open(again))
        using (var c = db.OpenConnection())
        {
            Assert.That((long)c.ExecuteScalar("SELECT count(*) FROM t")!, Is.EqualTo(3000));
            Assert.That(c.ExecuteScalar("PRAGMA integrity_check"), Is.EqualTo("ok"));
        }
        Assert.That(OuterPageSize(path), Is.EqualTo(65536), "an existing file keeps the page size it was created with");
    }

    [TestCase(1024)]
    [TestCase(5000)]
    [TestCase(131072)]
    public void AnOuterPageSizeSqliteCannotUseIsRefusedByName(int size)
    {
        var refused = Assert.Throws<ArgumentOutOfRangeException>(() =>
            FilePageStore.Open(Path.Combine(Stores.Directory, "bad.folio"), "main", 4096, new FileStoreOptions { OuterPageSize = size }).Dispose());
        Assert.That(refused!.Message, Does.Contain("OuterPageSize").And.Contain(size.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    private static long OuterPageSize(string path)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA page_size";
        return (long)command.ExecuteScalar()!;
    }
}
