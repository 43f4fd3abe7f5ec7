using Folio.Storage;
using NUnit.Framework;

namespace Folio.Testing;

/// <summary>
/// The steps of the identity scenario every store plays with real processes: A writes a table and
/// three rows, the store loses them, B starts a new database with three rows of its own; then A's
/// next insert must fail clearly and A's following calls must work on B's history.
/// </summary>
public static class IdentityScenario
{
    /// <summary>Creates table t and inserts <paramref name="prefix"/>1..3 through <paramref name="process"/>.</summary>
    public static void AddThreeRows(InteractiveChildProcess process, string prefix)
    {
        Assert.That(process.Exec("CREATE TABLE t(v TEXT NOT NULL)"), Is.EqualTo("ok"));
        for (var i = 1; i <= 3; i++)
        {
            Assert.That(process.Exec($"INSERT INTO t VALUES ('{prefix}{i}')"), Is.EqualTo("ok"));
        }
    }

    /// <summary>A's next insert fails clearly: the exception, the database, both identities, versions.</summary>
    public static void AssertHistoryChanged(InteractiveChildProcess a, string database, StoreLineage oldLineage, StoreLineage newLineage)
    {
        var answer = a.Exec("INSERT INTO t VALUES ('a4, built on the lost history')");
        Assert.That(answer, Does.StartWith("error HistoryChangedException "));
        Assert.That(answer, Does.Contain(database)
            .And.Contain(oldLineage.DatabaseId.ToString("D"))
            .And.Contain(newLineage.DatabaseId.ToString("D"))
            .And.Contain("at version 4"), "the old history's version (a table and three rows)");
    }

    /// <summary>A's following calls see B's rows and write on the new history.</summary>
    public static void AssertWorksOnTheNewHistory(InteractiveChildProcess a)
    {
        Assert.That(a.Scalar("SELECT group_concat(v, ',') FROM t"), Is.EqualTo("value b1,b2,b3"));
        Assert.That(a.Exec("INSERT INTO t VALUES ('a5')"), Is.EqualTo("ok"));
        Assert.That(a.Scalar("SELECT group_concat(v, ',') FROM t"), Is.EqualTo("value b1,b2,b3,a5"));
    }
}
