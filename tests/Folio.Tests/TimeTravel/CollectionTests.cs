using Folio.Storage;
using NUnit.Framework;

namespace Folio.Tests.TimeTravel;

/// <summary>Collection keeps a busy database's history bounded, and never breaks a read of a version still retained.</summary>
[TestFixture(StoreKind.Memory)]
[TestFixture(StoreKind.File)]
public sealed class CollectionTests(StoreKind kind) : StoreTest
{
    [Test]
    public void FiveThousandCommitsKeepTheHistoryAndTheFileBounded()
    {
        const int retained = 50;
        var retention = new HistoryRetention { Versions = retained, MaxAge = null };
        var store = Stores.CreateWithHistory(kind, retention, "busy", durable: false);
        var path = Path.Combine(Stores.Directory, "busy.folio");
        var history = (IPageStoreHistory)store;
        using var db = FolioDatabase.Open(store);
        using var c = db.OpenConnection();
        c.Execute("CREATE TABLE t(k INTEGER PRIMARY KEY, v BLOB)");
        c.Execute("INSERT INTO t WITH RECURSIVE s(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM s WHERE k < 5000) SELECT k, zeroblob(100) FROM s");
        var random = new Random(9);
        long peakValues = 0, sizeAt500 = 0, peakSize = 0;
        for (var i = 1; i <= 5000; i++)
        {
            c.Execute("UPDATE t SET v = randomblob(100) WHERE k IN (?1, ?2)", random.Next(1, 5001), random.Next(1, 5001));
            if (i % 250 == 0)
            {
                peakValues = Math.Max(peakValues, history.GetUsage().Values);
                var size = kind == StoreKind.File ? new FileInfo(path).Length + new FileInfo(path + "-wal").Length : 0;
                if (i == 500)
                {
                    sizeAt500 = size;
                }
                peakSize = Math.Max(peakSize, size);
            }
        }
        var usage = history.GetUsage();
        var range = history.GetHistoryRange();
        TestContext.Out.WriteLine($"{kind}: after 5000 commits {usage.Values} retained values ({usage.Bytes} bytes), {usage.Versions} versions, peak {peakValues} values; file {peakSize} bytes at peak, {sizeAt500} after 500 commits");
        Assert.That(range.Newest - range.Oldest, Is.EqualTo(retained));
        Assert.That(usage.Versions, Is.EqualTo(retained + 1));
        // Each commit here rewrites 2 leaf pages, page 0 and now and then an interior page: at most ~5 values
        // per retained version. The bound is generous (twice that); unbounded history would hold 20,000+.
        Assert.That(peakValues, Is.LessThanOrEqualTo(2L * 5 * retained), "retained values stay within what the retention asks for");
        if (kind == StoreKind.File)
        {
            // Also the WAL's: a Folio write holds its outer read while it commits, so without the
            // store's own checkpoints the WAL was never restarted and grew by every commit.
            Assert.That(peakSize, Is.LessThan(sizeAt500 * 2), "the outer file and its WAL stop growing once collection keeps up");
        }
    }

    [Test]
    public void ARetainedVersionOpenedBeforeCollectionRunsReadsOnWhileItStaysRetained()
    {
        var retention = new HistoryRetention { Versions = 40, MaxAge = null };
        var store = Stores.CreateWithHistory(kind, retention, "open-read", durable: false);
        using var db = FolioDatabase.Open(store);
        using var c = db.OpenConnection();
        c.Execute("CREATE TABLE t(k INTEGER PRIMARY KEY, v INTEGER)");
        c.Execute("INSERT INTO t WITH RECURSIVE s(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM s WHERE k < 2000) SELECT k, 0 FROM s");
        var bookmark = db.Bookmark;
        using var past = db.OpenAt(bookmark);
        using var view = past.OpenConnection();
        for (var i = 1; i <= 30; i++)
        {
            c.Execute("UPDATE t SET v = ?1", i); // every page rewritten, every commit collects
            Assert.That((long)view.ExecuteScalar("SELECT sum(v) FROM t")!, Is.Zero, $"the view of version {bookmark.Version} after {i} later commits");
        }
        Assert.That(db.HistoryRange.Contains(bookmark.Version), Is.True);
    }
}
