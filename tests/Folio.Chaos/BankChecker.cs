namespace Folio.Chaos;

/// <summary>
/// Checks a bank history of one database: every read of all balances sums to the same total; the
/// final balances are exactly the initial ones moved by the transfers the final read's transfer
/// log holds; each acknowledged transfer is in the log once, no failed one is; unknown transfers
/// are resolved by the log.
/// </summary>
internal static class BankChecker
{
    /// <param name="database">The database the operations ran on.</param>
    /// <param name="ops">Its operations.</param>
    /// <param name="initial">Every account's balance before the run.</param>
    /// <param name="finalBalances">Every account's balance once every client stopped.</param>
    /// <param name="finalLog">The transfer ids in the log once every client stopped, duplicates kept.</param>
    public static CheckResult Check(string database, IReadOnlyList<Op> ops, long initial, IReadOnlyList<long> finalBalances, IReadOnlyList<long> finalLog)
    {
        var result = new CheckResult();
        var total = initial * finalBalances.Count;
        var finalOp = new Op
        {
            Index = -1, Database = database, Client = -1, Invoked = long.MaxValue - 1, Completed = long.MaxValue, Outcome = Outcome.Ok,
            Mops = [Mop.Balances(finalBalances)], Error = $"final read, log of {finalLog.Count} transfers",
        };
        void Anomaly(string kind, string description, params Op[] involved) =>
            result.Anomalies.Add(new Anomaly(kind, database, description, involved.Distinct().ToList()));

        foreach (var op in ops.Where(o => o.Outcome == Outcome.Ok).Append(finalOp))
        {
            foreach (var read in op.Mops.Where(m => m.Kind == MopKind.Balances && m.List is not null))
            {
                if (read.List!.Count != finalBalances.Count || read.List.Sum() != total)
                {
                    Anomaly("bank-total-drift", $"the balances sum to {read.List.Sum()} over {read.List.Count} accounts, not {total} over {finalBalances.Count}", op);
                }
            }
        }

        var logged = finalLog.GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());
        var transfers = new Dictionary<long, (Op Op, Mop Mop)>();
        var expected = Enumerable.Repeat(initial, finalBalances.Count).ToArray();
        foreach (var op in ops)
        {
            foreach (var transfer in op.Mops.Where(m => m.Kind == MopKind.Transfer))
            {
                transfers[transfer.Id] = (op, transfer);
                var count = logged.GetValueOrDefault(transfer.Id);
                if (count > 1)
                {
                    Anomaly("duplicated-write", $"transfer {transfer.Id} is in the log {count} times", op, finalOp);
                }
                if (op.Outcome == Outcome.Ok && count == 0)
                {
                    Anomaly("lost-write", $"acknowledged transfer {transfer.Id} is not in the log", op, finalOp);
                }
                if (op.Outcome == Outcome.Fail && count > 0)
                {
                    Anomaly("read-of-failed-write", $"transfer {transfer.Id} failed but is in the log", op, finalOp);
                }
                if (count > 0 && transfer.Key < expected.Length && transfer.To < expected.Length)
                {
                    expected[transfer.Key] -= transfer.Value * count;
                    expected[transfer.To] += transfer.Value * count;
                }
            }
        }
        foreach (var op in ops.Where(o => o.Outcome == Outcome.Unknown))
        {
            result.Unknown++;
            if (op.Mops.Any(m => m.Kind == MopKind.Transfer && logged.ContainsKey(m.Id)))
            {
                result.UnknownApplied++;
            }
            else
            {
                result.UnknownNotApplied++;
            }
        }
        foreach (var id in logged.Keys.Where(id => !transfers.ContainsKey(id)))
        {
            Anomaly("garbage-read", $"transfer {id} in the log was never made", finalOp);
        }
        for (var account = 0; account < finalBalances.Count; account++)
        {
            if (finalBalances[account] != expected[account])
            {
                Anomaly("bank-balance-mismatch", $"account {account} holds {finalBalances[account]}, the logged transfers give {expected[account]}", finalOp);
            }
        }
        return result;
    }
}
