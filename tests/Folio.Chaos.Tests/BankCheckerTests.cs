using NUnit.Framework;
using static Folio.Chaos.Mop;

namespace Folio.Chaos.Tests;

/// <summary>The bank checker finds a drifting total, lost, duplicated and failed transfers, and resolves unknown ones.</summary>
public sealed class BankCheckerTests
{
    [Test]
    public void TransfersThatAddUpHaveNoAnomalyAndUnknownOnesAreResolvedByTheLog()
    {
        var h = new Histories();
        h.Add(Outcome.Ok, 0, 10, Transfer(0, 1, 5, 100));
        h.Add(Outcome.Unknown, 5, long.MaxValue, Transfer(1, 0, 2, 101));
        h.Add(Outcome.Unknown, 6, long.MaxValue, Transfer(1, 0, 3, 102));
        h.Add(Outcome.Fail, 7, 12, Transfer(0, 1, 9, 103));
        h.Add(Outcome.Ok, 11, 20, Balances([95, 105]));
        var result = BankChecker.Check("db", h.Ops, 100, [97, 103], [100, 101]);
        Assert.That(result.Anomalies, Is.Empty, string.Join("\n", result.Anomalies));
        Assert.That((result.Unknown, result.UnknownApplied, result.UnknownNotApplied), Is.EqualTo((2, 1, 1)));
    }

    [Test]
    public void ABalanceReadThatDoesNotSumToTheTotalIsADrift()
    {
        var h = new Histories();
        var read = h.Add(Outcome.Ok, 0, 10, Balances([100, 99]));
        var result = BankChecker.Check("db", h.Ops, 100, [100, 100], []);
        Assert.That(result.Anomalies.Select(a => a.Kind), Is.EqualTo(new[] { "bank-total-drift" }));
        Assert.That(result.Anomalies[0].Ops, Is.EqualTo(new[] { read }));
    }

    [Test]
    public void AFinalTotalThatDriftedIsCaughtToo()
    {
        var result = BankChecker.Check("db", [], 100, [100, 90], []);
        Assert.That(result.Anomalies.Select(a => a.Kind), Is.EquivalentTo(new[] { "bank-total-drift", "bank-balance-mismatch" }));
    }

    [Test]
    public void AnAcknowledgedTransferMissingFromTheLogIsLost()
    {
        var h = new Histories();
        h.Add(Outcome.Ok, 0, 10, Transfer(0, 1, 5, 100));
        var result = BankChecker.Check("db", h.Ops, 100, [100, 100], []);
        Assert.That(result.Anomalies.Select(a => a.Kind), Is.EqualTo(new[] { "lost-write" }));
    }

    [Test]
    public void AFailedTransferInTheLogAndATransferLoggedTwiceAreAnomalies()
    {
        var h = new Histories();
        h.Add(Outcome.Fail, 0, 10, Transfer(0, 1, 5, 100));
        h.Add(Outcome.Ok, 0, 10, Transfer(1, 0, 1, 101));
        var result = BankChecker.Check("db", h.Ops, 100, [97, 103], [100, 101, 101]);
        Assert.That(result.Anomalies.Select(a => a.Kind), Is.EquivalentTo(new[] { "read-of-failed-write", "duplicated-write" }));
    }

    [Test]
    public void BalancesThatTheLoggedTransfersDoNotExplainAreAMismatch()
    {
        var h = new Histories();
        h.Add(Outcome.Ok, 0, 10, Transfer(0, 1, 5, 100));
        var result = BankChecker.Check("db", h.Ops, 100, [100, 100], [100]);
        Assert.That(result.Anomalies.Select(a => a.Kind), Is.EqualTo(new[] { "bank-balance-mismatch", "bank-balance-mismatch" }));
    }
}
