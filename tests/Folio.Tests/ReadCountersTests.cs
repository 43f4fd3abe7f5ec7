using Folio.Storage;
using NUnit.Framework;

namespace Folio.Tests;

/// <summary>Each connection counts its own reads; the database's statistics sum them, and keep a closed connection's.</summary>
public class ReadCountersTests
{
    [Test]
    public void StatisticsSumEveryConnectionsReadsAndKeepThoseOfClosedOnes()
    {
        using var db = FolioDatabase.Open(new MemoryPageStore("read-counters-" + Guid.NewGuid().ToString("N")));
        using var first = db.OpenConnection();
        first.Execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'one')");
        var second = db.OpenConnection();
        var (transactions, hits) = (db.Statistics.ReadTransactions, db.Statistics.CacheHits);

        for (var i = 0; i < 10; i++)
        {
            Assert.That(first.ExecuteScalar("SELECT v FROM t WHERE id = 1"), Is.EqualTo("one"));
            Assert.That(second.ExecuteScalar("SELECT v FROM t WHERE id = 1"), Is.EqualTo("one"));
        }
        var afterReads = (db.Statistics.ReadTransactions, db.Statistics.CacheHits);
        Assert.That(afterReads.ReadTransactions - transactions, Is.GreaterThanOrEqualTo(20), "one read transaction per statement on each connection");
        Assert.That(afterReads.CacheHits - hits, Is.GreaterThanOrEqualTo(20), "each read's change-counter probe at least is a hit");

        second.Dispose();
        Assert.That(db.Statistics.ReadTransactions, Is.EqualTo(afterReads.ReadTransactions), "a closed connection's reads stay counted");
        Assert.That(db.Statistics.CacheHits, Is.EqualTo(afterReads.CacheHits));
        Assert.That(db.Statistics.ToString(), Does.Contain($"read transactions {afterReads.ReadTransactions}"));
    }
}
