using Folio.Storage;
using NUnit.Framework;

namespace Folio.Tests;

public class SmokeTests
{
    [Test]
    public void CreatesInsertsAndReadsBackOnTheMemoryStore()
    {
        var store = new MemoryPageStore("smoke-" + Guid.NewGuid());
        using var db = FolioDatabase.Open(store);
        using (var c = db.OpenConnection())
        {
            c.Execute("CREATE TABLE t(x INTEGER); INSERT INTO t VALUES (1), (2), (3);");
        }
        using var c2 = db.OpenConnection();
        Assert.That(c2.ExecuteScalar("SELECT sum(x) FROM t"), Is.EqualTo(6L));
        Assert.That(store.GetHead().Version, Is.GreaterThan(0));
        TestContext.Out.WriteLine(db.Statistics);
    }
}
