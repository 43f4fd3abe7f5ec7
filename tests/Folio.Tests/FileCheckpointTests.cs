using Folio.Storage;
using NUnit.Framework;

namespace Folio.Tests;

/// <summary>
/// The file store's checkpoints: after a read ends, once a thousand WAL frames were written since
/// the last one (SQLite's own autocheckpoint cannot restart the WAL, because a Folio write holds
/// its outer read while it commits).
/// </summary>
public sealed class FileCheckpointTests : StoreTest
{
    private const int FrameBytes = 4096 + 24;

    [Test]
    public void SmallCommitsRestartTheWalAboutEveryThousandFrames()
    {
        var path = Path.Combine(Stores.Directory, "checkpoints.folio");
        using var store = FilePageStore.Open(path, options: new FileStoreOptions { Durable = false });
        using var db = FolioDatabase.Open(store);
        using var c = db.OpenConnection();
        c.Execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
        long highWater = 0;
        for (var i = 0; i < 600; i++)
        {
            c.Execute("INSERT INTO t(v) VALUES (?1)", $"row {i}");
            highWater = Math.Max(highWater, new FileInfo(path + "-wal").Length);
        }

        // About 13 frames a commit with history: 600 commits wrote some 8,000 frames. A WAL
        // restarted at every 200 commits would have reached 2,600; one never restarted, all of them.
        Assert.That((long)c.ExecuteScalar("SELECT count(*) FROM t")!, Is.EqualTo(600));
        Assert.That(highWater / FrameBytes, Is.LessThan(1300), $"the WAL reached {highWater} bytes");
        Assert.That(highWater / FrameBytes, Is.GreaterThan(500), "the commits wrote frames into the WAL (else the bound above says nothing)");
    }
}
