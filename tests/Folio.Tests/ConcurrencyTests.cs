using Folio.Storage;
using NUnit.Framework;

namespace Folio.Tests;

[TestFixture(StoreKind.Memory)]
[TestFixture(StoreKind.File)]
public class ConcurrencyTests(StoreKind kind) : StoreTest
{
    [Test]
    public void EightThreadsIncrementingThroughTheirOwnConnectionsLoseNothing()
    {
        // A generous busy timeout: on a loaded machine a new connection can wait long for its turn.
        using var db = FolioDatabase.Open(Stores.Create(kind), new FolioOptions { BusyTimeout = TimeSpan.FromMinutes(1) });
        using (var setup = db.OpenConnection())
        {
            setup.Execute("CREATE TABLE c(n INTEGER NOT NULL); INSERT INTO c VALUES (0);");
        }

        var errors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var threads = Enumerable.Range(0, 8).Select(_ => new Thread(() =>
        {
            try
            {
                using var c = db.OpenConnection();
                for (var i = 0; i < 500; i++)
                {
                    Retry.OnBusy(() => c.Execute("BEGIN IMMEDIATE; UPDATE c SET n = n + 1; COMMIT;"), c);
                }
            }
            catch (Exception e)
            {
                errors.Enqueue(e); // reported below: an exception on a thread must fail the test, not the host
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.That(errors, Is.Empty, () => string.Join("\n", errors));

        using var check = db.OpenConnection();
        Assert.That(check.ExecuteScalar("SELECT n FROM c"), Is.EqualTo(4000L));
    }

    [Test]
    public void AWritersCommitWaitsForReadersInTheSameProcess()
    {
        using var db = FolioDatabase.Open(Stores.Create(kind), new FolioOptions { BusyTimeout = TimeSpan.Zero });
        using var writer = db.OpenConnection();
        using var reader = db.OpenConnection();
        writer.Execute("CREATE TABLE t(v INTEGER); INSERT INTO t VALUES (1);");

        reader.Execute("BEGIN");
        Assert.That(reader.ExecuteScalar("SELECT sum(v) FROM t"), Is.EqualTo(1L));
        writer.Execute("BEGIN; INSERT INTO t VALUES (2);");
        // As with a native file: COMMIT needs EXCLUSIVE, which waits for the reader's SHARED lock.
        var busy = Assert.Throws<FolioException>(() => writer.Execute("COMMIT"))!;
        Assert.That(busy.IsBusy, Is.True);
        Assert.That(reader.ExecuteScalar("SELECT sum(v) FROM t"), Is.EqualTo(1L), "the reader's snapshot holds");
        reader.Execute("COMMIT");
        writer.Execute("COMMIT");
        Assert.That(reader.ExecuteScalar("SELECT sum(v) FROM t"), Is.EqualTo(3L));
    }
}

[TestFixture(StoreKind.Memory)]
[TestFixture(StoreKind.File)]
public class VersionConflictTests(StoreKind kind) : StoreTest
{
    [Test]
    public void ACommitAgainstAStoreThatMovedOnIsBusyAndAppliesNothing()
    {
        // Two attachments of one store in different process scopes share no locks: like two processes,
        // only the store's version check stands between their writers.
        var store = Stores.Create(kind);
        using var first = FolioDatabase.Open(store, new FolioOptions { Name = "first-" + Guid.NewGuid() });
        using var second = FolioDatabase.Open(store, new FolioOptions { ProcessScope = new object(), Name = "second-" + Guid.NewGuid() });
        using var a = first.OpenConnection();
        using var b = second.OpenConnection();
        a.Execute("CREATE TABLE t(v TEXT); INSERT INTO t VALUES ('base');");

        a.Execute("BEGIN");
        Assert.That(a.ExecuteScalar("SELECT count(*) FROM t"), Is.EqualTo(1L));
        b.Execute("INSERT INTO t VALUES ('from b')");
        var afterB = CommitProtocolTests.Snapshot(store);

        a.Execute("INSERT INTO t VALUES ('from a')");
        var conflict = Assert.Throws<FolioException>(() => a.Execute("COMMIT"))!;
        Assert.That(conflict.IsBusy, Is.True);
        Assert.That(conflict.InnerException, Is.TypeOf<StoreConflictException>());
        Assert.That(first.Statistics.Conflicts, Is.EqualTo(1));
        Assert.That(CommitProtocolTests.Snapshot(store), Is.EqualTo(afterB), "the losing commit wrote nothing");
        if (SQLitePCL.raw.sqlite3_get_autocommit(a.Handle) == 0)
        {
            a.Execute("ROLLBACK");
        }

        a.Execute("INSERT INTO t VALUES ('from a, retried')");
        Assert.That(b.ExecuteScalar("SELECT group_concat(v, '|') FROM t"), Is.EqualTo("base|from b|from a, retried"));
        Assert.That(a.ExecuteScalar("PRAGMA integrity_check"), Is.EqualTo("ok"));
    }
}

[TestFixture(StoreKind.Memory)]
[TestFixture(StoreKind.File)]
public class CommitRetryTests(StoreKind kind) : StoreTest
{
    [Test]
    public void ACommitRetriedAfterAConflictNeverReportsSuccessWithoutStoringTheUpdate()
    {
        var store = Stores.Create(kind);
        using var first = FolioDatabase.Open(store, new FolioOptions { Name = "a-" + Guid.NewGuid() });
        using var second = FolioDatabase.Open(store, new FolioOptions { ProcessScope = new object(), Name = "b-" + Guid.NewGuid() });
        using var a = first.OpenConnection();
        using var b = second.OpenConnection();
        a.Execute("CREATE TABLE c(n INTEGER NOT NULL); INSERT INTO c VALUES (0);");

        a.Execute("BEGIN; UPDATE c SET n = n + 1;");
        b.Execute("UPDATE c SET n = n + 10");
        var conflict = Assert.Throws<FolioException>(() => a.Execute("COMMIT"))!;
        Assert.That(conflict.IsBusy, Is.True);
        Assert.That(SQLitePCL.raw.sqlite3_get_autocommit(a.Handle), Is.Zero, "SQLite keeps the transaction open after a busy COMMIT");

        // SQLite allows COMMIT to be retried; it must fail again, not pretend the update was stored.
        var retried = Assert.Throws<FolioException>(() => a.Execute("COMMIT"))!;
        Assert.That(retried.IsBusy, Is.True);
        Assert.That(retried.Message, Does.Contain("roll it back and retry"));
        a.Execute("ROLLBACK");

        Assert.That(b.ExecuteScalar("SELECT n FROM c"), Is.EqualTo(10L));
        Assert.That(a.ExecuteScalar("SELECT n FROM c"), Is.EqualTo(10L), "the loser sees the stored value after its rollback");
        a.Execute("UPDATE c SET n = n + 1");
        Assert.That(b.ExecuteScalar("SELECT n FROM c"), Is.EqualTo(11L));
    }

    [Test]
    public void AnAutocommitStatementThatLosesIsRolledBackAndTheConnectionCarriesOn()
    {
        var store = Stores.Create(kind);
        using var first = FolioDatabase.Open(store, new FolioOptions { Name = "a-" + Guid.NewGuid() });
        using var second = FolioDatabase.Open(store, new FolioOptions { ProcessScope = new object(), Name = "b-" + Guid.NewGuid() });
        using var a = first.OpenConnection();
        using var b = second.OpenConnection();
        a.Execute("CREATE TABLE t(v BLOB); INSERT INTO t SELECT randomblob(500) FROM (WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 200) SELECT n FROM s);");

        // a reads (pinning a version) inside a write statement that b overtakes: a's commit conflicts.
        a.Execute("PRAGMA cache_size = 2");
        a.Execute("BEGIN");
        a.Execute("UPDATE t SET v = zeroblob(500) WHERE rowid <= 100");
        b.Execute("DELETE FROM t WHERE rowid > 150");
        Assert.That(Assert.Throws<FolioException>(() => a.Execute("COMMIT"))!.IsBusy, Is.True);
        a.Execute("ROLLBACK");

        Assert.That(a.ExecuteScalar("SELECT count(*) FROM t"), Is.EqualTo(150L));
        Assert.That(a.ExecuteScalar("SELECT count(*) FROM t WHERE v = zeroblob(500)"), Is.EqualTo(0L));
        Assert.That(a.ExecuteScalar("PRAGMA integrity_check"), Is.EqualTo("ok"));
    }
}

internal static class Retry
{
    /// <summary>Runs <paramref name="action"/> until it does not fail with SQLITE_BUSY, rolling back between tries.</summary>
    public static void OnBusy(Action action, FolioConnection connection)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                action();
                return;
            }
            catch (FolioException e) when (e.IsBusy && attempt < 1000)
            {
                if (SQLitePCL.raw.sqlite3_get_autocommit(connection.Handle) == 0)
                {
                    connection.Execute("ROLLBACK");
                }
                Thread.Sleep(Random.Shared.Next(1, 5));
            }
        }
    }
}
