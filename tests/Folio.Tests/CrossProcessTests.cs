using System.Diagnostics;
using Folio.Storage;
using Folio.Testing;
using NUnit.Framework;

namespace Folio.Tests;

/// <summary>Two OS processes on one file store: versions keep them honest.</summary>
public class CrossProcessTests : StoreTest
{
    [Test]
    public void TwoProcessesIncrementingOneCounterReachTheExactTotal()
    {
        var file = Path.Combine(Stores.Directory, "counter.folio");
        using (var store = FilePageStore.Open(file))
        using (var db = FolioDatabase.Open(store))
        using (var c = db.OpenConnection())
        {
            c.Execute("CREATE TABLE c(n INTEGER NOT NULL); INSERT INTO c VALUES (0);");
        }

        var children = new[] { StartChild("increment", file, "150"), StartChild("increment", file, "150") };
        foreach (var child in children)
        {
            Assert.That(child.WaitForExit(TimeSpan.FromMinutes(3)), Is.True, "child finished");
            Assert.That(child.ExitCode, Is.EqualTo(0), child.StandardError.ReadToEnd());
            Assert.That(child.StandardOutput.ReadToEnd(), Does.StartWith("done 150"));
        }

        using var check = FolioDatabase.Open(FilePageStore.Open(file), ownsStore: true);
        using var cc = check.OpenConnection();
        Assert.That(cc.ExecuteScalar("SELECT n FROM c"), Is.EqualTo(300L));
        Assert.That(cc.ExecuteScalar("PRAGMA integrity_check"), Is.EqualTo("ok"));
    }

    [Test]
    public void AReaderInAnotherProcessKeepsItsSnapshotWhileAWriterCommits()
    {
        var file = Path.Combine(Stores.Directory, "snapshot.folio");
        using var store = FilePageStore.Open(file);
        using var db = FolioDatabase.Open(store);
        using var c = db.OpenConnection();
        c.Execute("CREATE TABLE t(v TEXT); INSERT INTO t VALUES ('a'), ('b'), ('c');");

        using var reader = StartChild("snapshot", file);
        Assert.That(reader.StandardOutput.ReadLine(), Is.EqualTo("3"), "the reader's first look");

        // The other process holds an open read transaction; this one commits twice meanwhile.
        c.Execute("INSERT INTO t SELECT v || '2' FROM t");
        c.Execute("INSERT INTO t VALUES ('z')");
        Assert.That(c.ExecuteScalar("SELECT count(*) FROM t"), Is.EqualTo(7L));

        reader.StandardInput.WriteLine("go");
        reader.StandardInput.Flush();
        Assert.That(reader.StandardOutput.ReadLine(), Is.EqualTo("3"), "inside its transaction the reader keeps its snapshot");
        Assert.That(reader.StandardOutput.ReadLine(), Is.EqualTo("7"), "a new transaction sees the commits");
        Assert.That(reader.WaitForExit(TimeSpan.FromMinutes(1)), Is.True);
        Assert.That(reader.ExitCode, Is.EqualTo(0), reader.StandardError.ReadToEnd());
    }

    [Test]
    public void AReadStartedFromTheCacheFailsBusyWhenItNeedsAPageAnotherProcessChanged()
    {
        var file = Path.Combine(Stores.Directory, "unchanged.folio");
        using var store = FilePageStore.Open(file);
        // A small page cache, so the big table's pages are not all cached when the read needs them.
        using var db = FolioDatabase.Open(store, new FolioOptions { CachePages = 8, BusyTimeout = TimeSpan.Zero });
        using var c = db.OpenConnection();
        c.Execute("PRAGMA cache_size = 2"); // and SQLite's own cache as small as it goes
        c.Execute("CREATE TABLE c(n INTEGER); INSERT INTO c VALUES (0); CREATE TABLE t(v BLOB)");
        c.Execute("INSERT INTO t WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 400) SELECT randomblob(500) FROM s");
        Assert.That(c.ExecuteScalar("SELECT n FROM c"), Is.EqualTo(0L));
        Assert.That(c.ExecuteScalar("SELECT n FROM c"), Is.EqualTo(0L), "a second read: the store has seen the file unchanged once");

        c.Execute("BEGIN");
        Assert.That(c.ExecuteScalar("SELECT n FROM c"), Is.EqualTo(0L), "started from the cache: nothing committed since");
        using (var writer = StartChild("increment", file, "1"))
        {
            Assert.That(writer.WaitForExit(TimeSpan.FromMinutes(1)), Is.True);
            Assert.That(writer.ExitCode, Is.EqualTo(0), writer.StandardError.ReadToEnd());
        }
        var busy = Assert.Throws<FolioException>(() => c.ExecuteScalar("SELECT count(*) FROM t"));
        Assert.That(busy!.IsBusy, Is.True, "a page read now would mix two versions: the transaction must start again");
        Assert.That(busy.InnerException, Is.TypeOf<StoreConflictException>());
        if (SQLitePCL.raw.sqlite3_get_autocommit(c.Handle) == 0)
        {
            c.Execute("ROLLBACK");
        }
        Assert.That(c.ExecuteScalar("SELECT n FROM c"), Is.EqualTo(1L), "the next transaction sees the other process's commit");
        Assert.That(c.ExecuteScalar("SELECT count(*) FROM t"), Is.EqualTo(400L));
    }

    private static Process StartChild(params string[] args) =>
        DotnetProcess.Start(Path.Combine(AppContext.BaseDirectory, "Folio.Tests.Child.dll"), args);
}
