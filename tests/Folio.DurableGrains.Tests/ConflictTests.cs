using System.Collections.Concurrent;
using DurableGrains;
using Folio.Storage;
using NUnit.Framework;

namespace Folio.DurableGrains.Tests;

/// <summary>
/// Two activations of one account writing its ledger at once: the one whose transaction started
/// from an older version loses its commit (a conflict), and no update is lost.
/// </summary>
public sealed class ConflictTests
{
    [Test]
    public void TwoOwnersOfOneLedgerExactlyOneWinsAndTheLoserWritesNothing()
    {
        // What two activations of one account on two silos hold: the same ledger, opened owned
        // twice, each silo with its own storage (its own process scope: they meet only in Redis).
        var siloA = new LedgerStorage(SharedRedis.Connection);
        var siloB = new LedgerStorage(SharedRedis.Connection);
        var account = SharedRedis.NewAccount("two-owners");
        using var first = siloA.Open(account, "first-activation");
        first.Transaction(l => l.Append("deposit", 100, "deposit", 100, DateTime.UtcNow));

        // The second activation opens (claiming the ledger) and withdraws 80.
        using var second = siloB.Open(account, "second-activation");
        second.Transaction(l =>
        {
            var balance = l.Balance();
            Assert.That(balance, Is.EqualTo(100));
            l.Append("withdraw-by-second", -80, "withdrawal", balance - 80, DateTime.UtcNow);
        });

        // The first still sees 100 in its memory and withdraws 80 too: its commit is the one refused.
        var lost = Assert.Throws<OwnershipLostException>(() =>
            first.Transaction(l => l.Append("withdraw-by-first", -80, "withdrawal", l.Balance() - 80, DateTime.UtcNow)))!;
        Assert.That(lost.Message, Does.Contain(siloA.DatabaseName(account)));
        Assert.That(second.OperationIds(), Is.EqualTo(new[] { "deposit", "withdraw-by-second" }), "the loser's write never landed");
        Assert.That(second.SumOfAmounts(), Is.EqualTo(20));

        // The loser refuses every further call, reads included, until opened again.
        Assert.Throws<OwnershipLostException>(() => first.Balance());
        using var reopened = siloA.Open(account, "reopened");
        Assert.That(reopened.Balance(), Is.EqualTo(20));
    }

    [Test]
    public async Task AGrainThatLosesItsCommitToASecondActivationReportsAConflictAndLosesNothing()
    {
        var interceptions = new LedgerInterceptions();
        await using var cluster = await LedgerCluster.StartAsync(interceptions);
        var account = SharedRedis.NewAccount("contested");
        var grain = cluster.Client.GetGrain<IAccountGrain>(account);
        await grain.Post("deposit", 100, "deposit");

        // Just before the grain's next commit reaches Redis, a second activation of the account
        // (the ledger opened elsewhere, as on another silo) takes 80 out and commits first.
        var storage = new LedgerStorage(SharedRedis.Connection);
        interceptions.BeforeNextCommit[storage.DatabaseName(account)] = () =>
        {
            using var second = storage.Open(account, "second-activation");
            second.Transaction(l => l.Append("withdraw-by-second", -80, "withdrawal", l.Balance() - 80, DateTime.UtcNow));
        };

        var conflict = await Assert.ThrowsAsync<LedgerConflictException>(() => grain.Post("withdraw-by-grain", -80, "withdrawal"));
        Assert.That(conflict!.Account, Is.EqualTo(account));
        Assert.That(conflict.OperationId, Is.EqualTo("withdraw-by-grain"));
        Assert.That(conflict.Message, Does.Contain("another activation"));
        Assert.That(interceptions.BeforeNextCommit, Is.Empty, "the second activation ran");

        // The account (re-activated: the loser deactivated itself) has the winner's update and
        // not the loser's; retrying the loser's withdrawal now meets the real balance.
        Assert.That(await grain.GetOperationIds(), Is.EqualTo(new[] { "deposit", "withdraw-by-second" }));
        Assert.That(await grain.GetBalance(), Is.EqualTo(20));
        var refused = await Assert.ThrowsAsync<InsufficientFundsException>(() => grain.Post("withdraw-by-grain", -80, "withdrawal, retried"));
        Assert.That(refused!.Balance, Is.EqualTo(20));
        var receipt = await grain.Post("top-up", 5, "top-up");
        Assert.That(receipt.BalanceAfter, Is.EqualTo(25));
    }

    [Test]
    public async Task AnAccountNameThatCannotNameALedgerIsRefusedByName()
    {
        await using var cluster = await LedgerCluster.StartAsync(new LedgerInterceptions());
        var error = await Assert.ThrowsAsync<ArgumentException>(() => cluster.Client.GetGrain<IAccountGrain>("bad{name}").GetBalance());
        Assert.That(error!.Message, Does.Contain("Account 'bad{name}' cannot name a ledger"));
    }

    [Test]
    public async Task TwoGrainsWritingOneLedgerAtOnceNeverLoseAnAcknowledgedPosting()
    {
        // Two grain ids mapped to one ledger: two activations of one account, each on whichever
        // silo Orleans picked, both posting as fast as they can.
        var interceptions = new LedgerInterceptions();
        await using var cluster = await LedgerCluster.StartAsync(interceptions);
        var shared = SharedRedis.NewAccount("twin");
        interceptions.Aliases["twin-a-" + shared] = shared;
        interceptions.Aliases["twin-b-" + shared] = shared;
        var twins = new[] { "twin-a-" + shared, "twin-b-" + shared }.Select(id => cluster.Client.GetGrain<IAccountGrain>(id)).ToArray();

        var acknowledged = new ConcurrentDictionary<string, long>();
        var conflicts = 0;
        await Task.WhenAll(Enumerable.Range(0, 2).Select(async side =>
        {
            for (var n = 0; n < 100; n++)
            {
                var operation = $"{side}/{n:D3}";
                var mayHaveBeenApplied = false;
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        var receipt = await twins[side].Post(operation, n + 1, "deposit");
                        // A lost commit is never applied: only a call whose answer went missing may be.
                        if (receipt.Replayed)
                        {
                            Assert.That(mayHaveBeenApplied, Is.True, $"{operation} was applied by a call that reported a conflict");
                        }
                        acknowledged[operation] = n + 1;
                        break;
                    }
                    catch (LedgerConflictException) when (attempt < 50)
                    {
                        Interlocked.Increment(ref conflicts);
                    }
                    catch (Exception e) when (e is TimeoutException or LedgerUnavailableException && attempt < 50)
                    {
                        // A machine too busy to answer in time: retry with the same id, as any caller would.
                        mayHaveBeenApplied = true;
                    }
                }
            }
        }));

        // Read the ledger as it is in Redis, through a fresh owner: either twin may have been deposed
        // by the other's last claim without having tried to commit since, and a deposed owner serves
        // what it last held (an owner learns it lost the claim at its next commit).
        using var check = new LedgerStorage(SharedRedis.Connection).Open(shared, "check");
        Assert.That(check.OperationIds(), Is.EquivalentTo(acknowledged.Keys), "every acknowledged posting, each once, and nothing else");
        Assert.That(check.Balance(), Is.EqualTo(acknowledged.Values.Sum()));
        Assert.That(check.SumOfAmounts(), Is.EqualTo(check.Balance()));
        TestContext.Progress.WriteLine($"twins: 200 postings through two activations of one ledger, {conflicts} conflicts refused and retried");
    }
}
