using System.Collections.Concurrent;
using System.Diagnostics;
using DurableGrains;
using NUnit.Framework;
using Orleans.TestingHost;

namespace Folio.DurableGrains.Tests;

/// <summary>A silo leaves a two-silo cluster in the middle of a stream of postings: nothing acknowledged is lost.</summary>
public sealed class FailoverTests
{
    private const int Accounts = 50;
    private const int OperationsPerAccount = 20;
    private const int MaxAttempts = 20;

    [TestCase(false, TestName = "EveryAcknowledgedPostingSurvivesASiloStopping")]
    [TestCase(true, TestName = "EveryAcknowledgedPostingSurvivesASiloCrashing")]
    public async Task EveryAcknowledgedPostingSurvivesASiloLeavingTheCluster(bool crash)
    {
        var clock = Stopwatch.StartNew();
        var run = Guid.NewGuid().ToString("N")[..8];
        var accounts = Enumerable.Range(0, Accounts).Select(i => $"failover-{run}-{i:D2}").ToArray();
        var acknowledged = new ConcurrentDictionary<string, long>(); // operation id → amount
        var retries = 0;
        var retriedOn = new ConcurrentDictionary<string, int>(); // exception type → count, for the report
        var replayed = 0;
        var redisTimeouts = 0; // calls that failed because Redis did not answer in time

        await using var cluster = await LedgerCluster.StartAsync(new LedgerInterceptions());
        var started = clock.Elapsed;
        var grains = cluster.Client;

        async Task Post(string account, int n)
        {
            // Deposits of 10 and withdrawals of 3 alternate, so the balance never goes below zero.
            var amount = n % 2 == 0 ? 10 : -3;
            var operation = $"{account}/{n:D2}";
            var grain = grains.GetGrain<IAccountGrain>(account);
            for (var attempt = 1; ; attempt++)
            {
                PostingReceipt receipt;
                try
                {
                    receipt = await grain.Post(operation, amount, $"posting {n}");
                }
                catch (Exception e) when (e is not InsufficientFundsException && attempt < MaxAttempts)
                {
                    // The silo went away under the call, or the account was re-activating: the same
                    // operation id makes a retry safe whether or not the first attempt was applied.
                    Interlocked.Increment(ref retries);
                    retriedOn.AddOrUpdate(e.GetType().Name, 1, (_, c) => c + 1);
                    if (e is LedgerUnavailableException && e.Message.Contains("did not answer in time", StringComparison.Ordinal))
                    {
                        Interlocked.Increment(ref redisTimeouts);
                    }
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(500, 25 * attempt)));
                    continue;
                }
                if (receipt.Replayed)
                {
                    Interlocked.Increment(ref replayed); // applied by an attempt whose answer was lost
                }
                if (!acknowledged.TryAdd(operation, amount))
                {
                    throw new InvalidOperationException($"{operation} was acknowledged twice.");
                }
                return;
            }
        }

        // Each account posts in order, all accounts at once.
        Task Phase(int from, int to) => Task.WhenAll(accounts.Select(async account =>
        {
            for (var n = from; n < to; n++)
            {
                await Post(account, n);
            }
        }));

        await Phase(0, OperationsPerAccount / 2);
        Assert.That(acknowledged, Has.Count.EqualTo(Accounts * OperationsPerAccount / 2));

        var placement = await Placement(grains, accounts);
        var victim = cluster.Silos[1];
        var survivor = cluster.Silos[0];
        var onVictim = placement.Count(p => p.Value == victim.SiloAddress.ToString());
        Assert.That(onVictim, Is.GreaterThan(0), "no account was on the silo to stop, so the test would prove nothing");

        // The second half runs while the silo stops: the stop begins once the stream is under way.
        var secondHalf = Phase(OperationsPerAccount / 2, OperationsPerAccount);
        while (acknowledged.Count < Accounts * OperationsPerAccount / 2 + 100 && !secondHalf.IsCompleted)
        {
            await Task.Delay(5);
        }
        var stopAt = acknowledged.Count;
        var stopping = clock.Elapsed;
        if (crash)
        {
            // No deactivation: the silo's activations never close their ledgers, and the others
            // learn of its death from missed probes.
            await cluster.KillSiloAsync(victim);
        }
        else
        {
            await cluster.StopSiloAsync(victim);
        }
        var stopped = clock.Elapsed;
        await secondHalf;
        var postedAll = clock.Elapsed;

        Assert.That(acknowledged, Has.Count.EqualTo(Accounts * OperationsPerAccount));
        // On the default thread pool: grains reach Redis on Folio's async path, so no thread waits
        // on it and no call starves into a Redis timeout (the synchronous path did, under this load).
        Assert.That(redisTimeouts, Is.Zero, "calls that failed because Redis did not answer in time");
        foreach (var account in accounts)
        {
            var grain = grains.GetGrain<IAccountGrain>(account);
            var expected = acknowledged.Where(a => a.Key.StartsWith(account + "/", StringComparison.Ordinal)).ToDictionary(a => a.Key, a => a.Value);
            var applied = await grain.GetOperationIds();
            Assert.That(applied, Is.EquivalentTo(expected.Keys), $"{account}: the ledger holds exactly the acknowledged operations, each once");
            var snapshot = await grain.Describe();
            Assert.That(snapshot.Balance, Is.EqualTo(expected.Values.Sum()), $"{account}: balance");
            Assert.That(snapshot.SumOfAmounts, Is.EqualTo(snapshot.Balance), $"{account}: every line's balance follows from the one before");
            Assert.That(snapshot.Silo, Is.EqualTo(survivor.SiloAddress.ToString()), $"{account} runs on the surviving silo");
        }

        TestContext.Progress.WriteLine(
            $"failover ({(crash ? "crash" : "stop")}): cluster up in {started.TotalSeconds:F1} s; {Accounts * OperationsPerAccount} postings over {Accounts} accounts in {(postedAll - started).TotalSeconds:F1} s; " +
            $"{onVictim} accounts were on the stopped silo, stopped after {stopAt} acknowledgements, which took {(stopped - stopping).TotalSeconds:F1} s; {retries} retries ({string.Join(", ", retriedOn.Select(r => $"{r.Key} {r.Value}"))}), {replayed} replayed; checked in {(clock.Elapsed - postedAll).TotalSeconds:F1} s");
    }

    private static async Task<Dictionary<string, string>> Placement(IClusterClient grains, string[] accounts)
    {
        var snapshots = await Task.WhenAll(accounts.Select(a => grains.GetGrain<IAccountGrain>(a).Describe()));
        return snapshots.ToDictionary(s => s.Account, s => s.Silo);
    }
}
