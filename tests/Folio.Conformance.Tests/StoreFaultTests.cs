using Folio.Conformance.Targets;
using Folio.Storage;
using Folio.Testing;
using NUnit.Framework;

namespace Folio.Conformance.Tests;

/// <summary>A store that fails must show up as failed records, never as passes.</summary>
[TestFixture]
public class StoreFaultTests
{
    private const string Setup = "statement ok\nCREATE TABLE t(x INTEGER)\n\nstatement ok\nINSERT INTO t VALUES(1),(2),(3)\n";
    private const string Query = "query I rowsort\nSELECT x FROM t\n----\n1\n2\n3\n";

    private static WrappedMemoryTarget<FaultInjectingPageStore> FaultyMemoryTarget() => new("faulty-memory", s => new FaultInjectingPageStore(s));

    [Test]
    public void AFailedCommitFailsTheStatement()
    {
        var target = FaultyMemoryTarget();
        using var session = target.OpenFresh("faults");
        var runner = new SltRunner();
        Assert.That(runner.Run(Setup, "setup.test", session).Failed, Is.Zero);

        target.Store!.FailCommits = true;
        var report = runner.Run("statement ok\nINSERT INTO t VALUES(4)\n", "commit.test", session);
        Assert.That(report.Failed, Is.EqualTo(1));
        Assert.That(report.Failures[0].Message, Does.StartWith("statement failed:"));
        Assert.That(target.Store.InjectedFaults, Is.GreaterThan(0));

        target.Store.FailCommits = false;
        Assert.That(runner.Run(Query, "after.test", session).Failed, Is.Zero, "the failed insert must have left nothing behind");
    }

    [Test]
    public void AStoreFaultDoesNotMeetStatementError()
    {
        var target = FaultyMemoryTarget();
        using var session = target.OpenFresh("faults");
        var runner = new SltRunner();
        Assert.That(runner.Run(Setup, "setup.test", session).Failed, Is.Zero);

        target.Store!.FailCommits = true;
        var report = runner.Run("statement error\nINSERT INTO t VALUES(4)\n", "error.test", session);
        Assert.That(report.Failed, Is.EqualTo(1), "an I/O error passed for the SQL error the script expects");
        Assert.That(report.Failures[0].Message, Does.Contain("not because of its SQL"));
    }

    [Test]
    public void AFailedReadFailsTheQuery()
    {
        var target = FaultyMemoryTarget();
        using var session = target.OpenFresh("faults");
        var runner = new SltRunner();
        Assert.That(runner.Run(Setup, "setup.test", session).Failed, Is.Zero);

        target.Store!.FailOperation = target.Store.Operations + 1;
        var report = runner.Run(Query, "read.test", session);
        Assert.That(target.Store.InjectedFaults, Is.EqualTo(1));
        Assert.That(report.Failed, Is.EqualTo(1), "a store fault passed as a result");
        TestContext.Out.WriteLine(report.Failures[0].Describe());
        Assert.That(report.Failures[0].Message, Does.StartWith("query failed:"));
    }

    [Test]
    public void AnSqlErrorWhileSteppingIsJudgedOnTheRowsReadAsTheReferenceDoes()
    {
        // sum() overflows at run time; the reference runner keeps the rows read so far (none).
        using var session = new NativeTarget().OpenFresh("overflow");
        var report = new SltRunner().Run(
            "statement ok\nCREATE TABLE t(x INTEGER)\n\nstatement ok\nINSERT INTO t VALUES(9223372036854775807),(1)\n\nquery I nosort\nSELECT sum(x) FROM t\n----\n",
            "overflow.test", session);
        Assert.That(report.Failed, Is.Zero, string.Join("\n", report.Failures));
        Assert.That(report.Passed, Is.EqualTo(3));
    }
}
