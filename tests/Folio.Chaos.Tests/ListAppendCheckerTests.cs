using NUnit.Framework;
using static Folio.Chaos.Mop;
using static Folio.Chaos.Tests.Histories;

namespace Folio.Chaos.Tests;

/// <summary>The list-append checker finds each kind of anomaly in a history made to have it, and none in a correct one.</summary>
public sealed class ListAppendCheckerTests
{
    [Test]
    public void AConcurrentButSerializableHistoryHasNoAnomaly()
    {
        var h = new Histories();
        h.Add(Outcome.Ok, 0, 10, Append(1, 1), Read(2, []));
        h.Add(Outcome.Ok, 5, 15, Read(1, [1]), Append(2, 2));
        h.Add(Outcome.Fail, 6, 16, Append(1, 3));
        var unknown = h.Add(Outcome.Unknown, 7, long.MaxValue, Append(2, 4));
        h.Add(Outcome.Ok, 20, 30, Read(1, [1]), Read(2, [2, 4]));
        var result = ListAppendChecker.Check("db", h.Ops, Final((1, [1]), (2, [2, 4])));
        Assert.That(result.Anomalies, Is.Empty, string.Join("\n", result.Anomalies));
        Assert.That((result.Unknown, result.UnknownApplied, result.UnknownNotApplied), Is.EqualTo((1, 1, 0)), unknown.ToString());
    }

    [Test]
    public void AnAcknowledgedAppendMissingFromTheFinalReadIsALostWrite()
    {
        var h = new Histories();
        h.Add(Outcome.Ok, 0, 10, Append(1, 1));
        var lost = h.Add(Outcome.Ok, 11, 20, Append(1, 2));
        var result = ListAppendChecker.Check("db", h.Ops, Final((1, [1])));
        Assert.That(Kinds(result), Is.EqualTo(new[] { "lost-write" }));
        Assert.That(result.Anomalies[0].Ops, Does.Contain(lost));
        Assert.That(result.Anomalies[0].ToString(), Does.Contain("2 to key 1"));
    }

    [Test]
    public void AValueReadTwiceIsADuplicatedWrite()
    {
        var h = new Histories();
        h.Add(Outcome.Ok, 0, 10, Append(1, 1));
        var result = ListAppendChecker.Check("db", h.Ops, Final((1, [1, 1])));
        Assert.That(Kinds(result), Does.Contain("duplicated-write"));
    }

    [Test]
    public void AReadOfAFailedTransactionsAppendIsAnAnomaly()
    {
        var h = new Histories();
        var failed = h.Add(Outcome.Fail, 0, 10, Append(1, 1));
        var reader = h.Add(Outcome.Ok, 11, 20, Read(1, [1]));
        var result = ListAppendChecker.Check("db", h.Ops, Final((1, [])));
        Assert.That(Kinds(result), Does.Contain("read-of-failed-write"));
        var anomaly = result.Anomalies.First(a => a.Kind == "read-of-failed-write");
        Assert.That(anomaly.Ops, Is.EquivalentTo(new[] { failed, reader }), "the minimal part: the failed writer and its reader");
    }

    [Test]
    public void ReadsThatDivergeAreNotPrefixesOfOneOrder()
    {
        var h = new Histories();
        h.Add(Outcome.Ok, 0, 10, Append(1, 1));
        h.Add(Outcome.Ok, 0, 10, Append(1, 2));
        h.Add(Outcome.Ok, 11, 20, Read(1, [2]));
        var result = ListAppendChecker.Check("db", h.Ops, Final((1, [1, 2])));
        Assert.That(Kinds(result), Does.Contain("non-prefix-read"));
    }

    [Test]
    public void AReadSeeingLessThanAReadThatEndedBeforeItIsStale()
    {
        var h = new Histories();
        h.Add(Outcome.Ok, 0, 10, Append(1, 1));
        h.Add(Outcome.Ok, 11, 20, Read(1, [1]));
        h.Add(Outcome.Ok, 21, 30, Read(1, []));
        var result = ListAppendChecker.Check("db", h.Ops, Final((1, [1])));
        Assert.That(Kinds(result), Is.EqualTo(new[] { "stale-read" }));
        Assert.That(ListAppendChecker.Check("db", h.Ops, Final((1, [1])), realTime: false).Anomalies, Is.Empty, "serializable: the stale read goes first");
    }

    [Test]
    public void TwoTransactionsEachSeeingTheOthersWriteButNotItsOwnOrderAreAG1cCycle()
    {
        // T1 appends 1 to key 1 and reads key 2 after T2's append; T2 appends 2 to key 2 and reads
        // key 1 after T1's append: wr both ways, which no serial order explains.
        var h = new Histories();
        var t1 = h.Add(Outcome.Ok, 0, 10, Append(1, 1), Read(2, [2]));
        var t2 = h.Add(Outcome.Ok, 0, 10, Append(2, 2), Read(1, [1]));
        var result = ListAppendChecker.Check("db", h.Ops, Final((1, [1]), (2, [2])));
        Assert.That(Kinds(result), Is.EqualTo(new[] { "G1c-cycle" }));
        Assert.That(result.Anomalies[0].Ops, Is.EquivalentTo(new[] { t1, t2 }));
    }

    [Test]
    public void WriteSkewIsAG2Cycle()
    {
        // Each reads the other's key empty and appends to its own: rw both ways.
        var h = new Histories();
        h.Add(Outcome.Ok, 0, 10, Read(1, []), Append(2, 2));
        h.Add(Outcome.Ok, 0, 10, Read(2, []), Append(1, 1));
        var result = ListAppendChecker.Check("db", h.Ops, Final((1, [1]), (2, [2])));
        Assert.That(Kinds(result), Is.EqualTo(new[] { "G2-cycle" }));
    }

    [Test]
    public void HalfAnUnknownTransactionAppliedIsAPartialTransaction()
    {
        var h = new Histories();
        h.Add(Outcome.Unknown, 0, long.MaxValue, Append(1, 1), Append(2, 2));
        var result = ListAppendChecker.Check("db", h.Ops, Final((1, [1]), (2, [])));
        Assert.That(Kinds(result), Is.EqualTo(new[] { "partial-transaction" }));
    }

    [Test]
    public void AValueNobodyAppendedIsGarbage()
    {
        var result = ListAppendChecker.Check("db", [], Final((1, [7])));
        Assert.That(Kinds(result), Is.EqualTo(new[] { "garbage-read" }));
    }

    private static string[] Kinds(CheckResult result) => result.Anomalies.Select(a => a.Kind).Distinct().ToArray();
}
