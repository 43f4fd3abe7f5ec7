using NUnit.Framework;
using SQLitePCL;

namespace Folio.Redis.Tests;

/// <summary>
/// SQLite keeps a transaction open when COMMIT returns SQLITE_BUSY and documents that COMMIT may
/// then be retried. A commit that lost to another writer can never succeed, so a retried COMMIT
/// must fail again (or the update must really land), never report success with nothing stored.
/// </summary>
public sealed class CommitRetryTests
{
    [Test]
    
    public void ARetriedCommitAfterAConflictNeverReportsSuccessWithoutStoringTheUpdate()
    {
        var name = SharedRedis.NewName("commit-retry");
        using var otherProcess = SharedRedis.Connect();
        using var dbA = FolioDatabase.Open(RedisPageStore.Open(SharedRedis.Connection, name), ownsStore: true);
        using var dbB = FolioDatabase.Open(RedisPageStore.Open(otherProcess, name), new FolioOptions { ProcessScope = new object(), Name = name + "-b" }, ownsStore: true);
        using var a = dbA.OpenConnection();
        using var b = dbB.OpenConnection();
        a.Execute("CREATE TABLE c(n INTEGER NOT NULL); INSERT INTO c VALUES (0);");

        a.Execute("BEGIN; UPDATE c SET n = n + 1;");
        b.Execute("UPDATE c SET n = n + 10");
        var first = Assert.Throws<FolioException>(() => a.Execute("COMMIT"));
        Assert.That(first!.IsBusy, Is.True);
        Assert.That(raw.sqlite3_get_autocommit(a.Handle), Is.Zero, "SQLite keeps the transaction open after a busy COMMIT");

        var retried = true;
        try
        {
            a.Execute("COMMIT");
        }
        catch (FolioException e) when (e.IsBusy)
        {
            retried = false;
            a.Execute("ROLLBACK");
        }
        Assert.That(b.ExecuteScalar("SELECT n FROM c"), Is.EqualTo(retried ? 11L : 10L), "a COMMIT that returned OK must have stored its update");
        Assert.That(a.ExecuteScalar("SELECT n FROM c"), Is.EqualTo(b.ExecuteScalar("SELECT n FROM c")), "both connections see the stored value");
    }
}
