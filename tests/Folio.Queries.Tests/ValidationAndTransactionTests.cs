using Folio.Storage;
using NUnit.Framework;

namespace Folio.Queries.Tests;

public class ValidationTests
{
    [Test]
    public void ValidSqlValidates()
    {
        Assert.That(TodoDb.ValidateSql(), Is.Empty);
        Assert.That(ValuesDb.ValidateSql(), Is.Empty);
        Assert.That(FileDb.ValidateSql(), Is.Empty, "a file-store class validates on a memory store");
        Assert.That(OwnStoreDb.ValidateSql(), Is.Empty);
    }

    [Test]
    public void ValidationReportsEveryBrokenStatementWithItsMethod()
    {
        var errors = BrokenDb.ValidateSql();
        Assert.That(errors.Select(e => e.Method), Is.EqualTo(new[] { "BrokenDb.MisspelledColumn", "BrokenDb.MissingTable", "BrokenDb.ColumnsDoNotMatchTheRecord" }));
        Assert.That(errors[0].Message, Does.Contain("no such column: nme"));
        Assert.That(errors[1].Message, Does.Contain("no such table: missing"));
        Assert.That(errors[2].Message, Does.Contain("no column matches member 'Id'"));
        Assert.That(errors[1].Sql, Is.EqualTo("SELECT * FROM missing"));
    }
}

public class TransactionTests
{
    private static TodoDb OpenFresh() => TodoDb.Open(new MemoryPageStore("tx-" + Guid.NewGuid().ToString("N")));

    [Test]
    public void TransactionCommitsEverythingOrNothing()
    {
        using var db = OpenFresh();
        db.Transaction(d =>
        {
            d.Add("a", Priority.Low, null);
            d.Add("b", Priority.Low, null);
        });
        Assert.That(db.Count(), Is.EqualTo(2));
        Assert.Throws<InvalidOperationException>(() => db.Transaction(d =>
        {
            d.Add("c", Priority.Low, null);
            throw new InvalidOperationException("changed my mind");
        }));
        Assert.That(db.Count(), Is.EqualTo(2));
        Assert.That(db.Transaction(d => d.Count()), Is.EqualTo(2));
    }

    [Test]
    public void BeginTransactionCommitsOrRollsBack()
    {
        using var db = OpenFresh();
        using (var tx = db.BeginTransaction())
        {
            db.Add("kept", Priority.Low, null);
            tx.Commit();
        }
        using (db.BeginTransaction())
        {
            db.Add("dropped", Priority.Low, null);
        }
        Assert.That(db.Titles(), Is.EqualTo(new[] { "kept" }));
    }

    [Test]
    public void TransactionRunsTheWorkAgainWhenAnotherWriterCommittedFirst()
    {
        var store = new MemoryPageStore("tx-conflict-" + Guid.NewGuid().ToString("N"));
        using var db = TodoDb.Open(store);
        // Another writer on the same store through another VFS: it shares no lock with db, so the
        // two meet only at the store's version check, as two processes would.
        using var other = FolioDatabase.Open(store, new FolioOptions { ProcessScope = new object(), Name = "other-writer" });
        using var otherConnection = other.OpenConnection();
        var attempts = 0;
        db.Transaction(d =>
        {
            attempts++;
            var seen = d.Count();
            if (attempts == 1)
            {
                otherConnection.Execute("INSERT INTO todo(title) VALUES ('from the other writer')");
            }
            d.Add($"saw {seen}", Priority.Low, null);
        });
        Assert.That(attempts, Is.EqualTo(2));
        Assert.That(db.Titles(), Is.EqualTo(new[] { "from the other writer", "saw 1" }));
    }

    [Test]
    public void TransactionGivesUpAfterABoundedNumberOfAttempts()
    {
        using var db = OpenFresh();
        var attempts = 0;
        var error = Assert.Throws<FolioException>(() => db.Transaction(d =>
        {
            attempts++;
            d.Add("never", Priority.Low, null);
            throw new FolioException("test", 5, 5, "database is locked", null, null, null);
        }));
        Assert.That(error!.IsBusy, Is.True);
        Assert.That(attempts, Is.EqualTo(FolioSession.MaxTransactionAttempts));
        Assert.That(db.Count(), Is.EqualTo(0));
    }

    [Test]
    public void ATransactionInsideATransactionJoinsIt()
    {
        using var db = OpenFresh();
        Assert.Throws<InvalidOperationException>(() => db.Transaction(d =>
        {
            d.Transaction(inner => inner.Add("inner", Priority.Low, null));
            throw new InvalidOperationException("roll back the outer one");
        }));
        Assert.That(db.Count(), Is.EqualTo(0));
    }
}
