using System.Globalization;

namespace DurableGrains;

/// <summary>What the sample's client does with a few accounts, printing as it goes.</summary>
public static class ClientScript
{
    /// <summary>Posts to three accounts, shows ordering, idempotent retries and a refused overdraft.</summary>
    /// <param name="grains">The cluster client (or any grain factory).</param>
    /// <param name="run">A tag that makes this run's operation ids its own, so runs against a kept Redis add up.</param>
    /// <param name="output">Where to print.</param>
    public static async Task PostAsync(IGrainFactory grains, string run, TextWriter output)
    {
        var alice = grains.GetGrain<IAccountGrain>("alice");
        var bob = grains.GetGrain<IAccountGrain>("bob");
        var carol = grains.GetGrain<IAccountGrain>("carol");

        await alice.Post($"{run}:salary", 250_000, "salary");
        await bob.Post($"{run}:salary", 120_000, "salary");
        await carol.Post($"{run}:gift", 5_000, "birthday gift");
        output.WriteLine("Posted salaries to alice and bob, a gift to carol.");

        // Twenty calls at once to one account: Orleans runs them one at a time in its activation,
        // each one SQLite transaction, so every one lands and the balance is exact.
        var before = await alice.GetBalance();
        var coffees = await Task.WhenAll(Enumerable.Range(1, 20).Select(i => alice.Post($"{run}:coffee-{i}", -450, $"coffee #{i}")));
        var after = await alice.GetBalance();
        output.WriteLine($"20 concurrent coffees for alice: {coffees.Count(r => !r.Replayed)} applied, balance {Money(before)} -> {Money(after)}.");

        // A retry after a lost answer: the same operation id is answered from the ledger.
        var retry = await alice.Post($"{run}:coffee-7", -450, "coffee #7 (retried)");
        output.WriteLine($"Retried coffee #7: replayed = {retry.Replayed}, still line {retry.Seq}, balance {Money(retry.BalanceAfter)}.");

        var carolBalance = await carol.GetBalance();
        try
        {
            await carol.Post($"{run}:laptop", -(carolBalance + 1), "laptop");
            output.WriteLine("carol's overdraft was applied: this is a bug.");
        }
        catch (InsufficientFundsException e)
        {
            output.WriteLine($"Refused: {e.Message}");
        }
    }

    /// <summary>Prints each account's totals, where it runs, and alice's latest lines.</summary>
    public static async Task ShowAsync(IGrainFactory grains, TextWriter output)
    {
        foreach (var name in new[] { "alice", "bob", "carol" })
        {
            var s = await grains.GetGrain<IAccountGrain>(name).Describe();
            output.WriteLine($"  {s.Account,-6} balance {Money(s.Balance),12}  {s.Entries,3} lines (sum {Money(s.SumOfAmounts)})  database {s.Database}  on {s.Silo}");
        }
        output.WriteLine("  alice's last 3 lines:");
        foreach (var e in await grains.GetGrain<IAccountGrain>("alice").GetLatest(3))
        {
            output.WriteLine($"    #{e.Seq,-3} {e.OperationId,-24} {Money(e.Amount),10} -> {Money(e.BalanceAfter),12}  {e.Memo}");
        }
    }

    /// <summary>Cents as a decimal amount.</summary>
    public static string Money(long cents) => (cents / 100m).ToString("N2", CultureInfo.InvariantCulture);
}
