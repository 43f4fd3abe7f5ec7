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
    /// <summary>
    /// Plays the scenario: starts A and writes its rows, then <paramref name="replaceWithB"/> makes
    /// the store lose them and has B write its own (B calls <see cref="AddThreeRows"/> with "b"),
    /// returning the new lineage; then checks A's next insert, B's rows (read through
    /// <paramref name="openCheck"/>) and A's following calls.
    /// </summary>
    public static void Play(string database, Func<InteractiveChildProcess> startA, Func<StoreLineage> lineage, Func<StoreLineage> replaceWithB, Func<FolioDatabase> openCheck)
    {
        ArgumentNullException.ThrowIfNull(startA);
        ArgumentNullException.ThrowIfNull(lineage);
        ArgumentNullException.ThrowIfNull(replaceWithB);
        ArgumentNullException.ThrowIfNull(openCheck);
        using var a = startA();
        AddThreeRows(a, "a");
        var oldLineage = lineage();
        var newLineage = replaceWithB();
        Assert.That(newLineage, Is.Not.EqualTo(oldLineage), "B's database has a new identity");

        AssertHistoryChanged(a, database, oldLineage, newLineage);
        using (var check = openCheck())
        using (var c = check.OpenConnection())
        {
            Assert.That(c.ExecuteScalar("SELECT group_concat(v, ',') FROM t"), Is.EqualTo("b1,b2,b3"), "B's rows are intact");
        }
        AssertWorksOnTheNewHistory(a);
    }

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
