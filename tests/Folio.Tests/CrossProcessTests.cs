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

    private static Process StartChild(params string[] args) =>
        DotnetProcess.Start(Path.Combine(AppContext.BaseDirectory, "Folio.Tests.Child.dll"), args);
}
