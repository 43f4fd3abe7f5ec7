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

    [Test]
    public void WithoutAPageCacheEveryTransactionsChangeCounterReadReachesTheStore()
    {
        using var db = FolioDatabase.Open(new MemoryPageStore("probe-" + Guid.NewGuid().ToString("N")), new FolioOptions { CachePages = 0 });
        using var connection = db.OpenConnection();
        connection.Execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'one')");
        var pagesRead = db.Statistics.PagesRead;

        for (var i = 0; i < 10; i++)
        {
            Assert.That(connection.ExecuteScalar("SELECT v FROM t WHERE id = 1"), Is.EqualTo("one"));
        }
        Assert.That(db.Statistics.PagesRead - pagesRead, Is.GreaterThanOrEqualTo(10), "CachePages = 0: no copy of page 0 answers SQLite's probe");
        Assert.That(db.Statistics.CacheHits, Is.EqualTo(0));
    }

    [Test]
    public void AfterItsOwnCommitAConnectionReadsTheNewChangeCounter()
    {
        using var db = FolioDatabase.Open(new MemoryPageStore("probe-commit-" + Guid.NewGuid().ToString("N")));
        using var writer = db.OpenConnection();
        using var reader = db.OpenConnection();
        writer.Execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
        for (var i = 1; i <= 5; i++)
        {
            writer.Execute("INSERT INTO t VALUES (?1, 'v')", i);
            Assert.That(writer.ExecuteScalar("SELECT count(*) FROM t"), Is.EqualTo(i), "the writer sees its own commit");
            Assert.That(reader.ExecuteScalar("SELECT count(*) FROM t"), Is.EqualTo(i), "another connection sees it at its next transaction");
        }
    }
}
