namespace Folio.Chaos;

/// <summary>
/// Checks a list-append history of one database, as Elle does. Every append writes a value no
/// other append writes, so each value names its writer, and the longest read of a key gives the
/// key's version order. Then: every read is a prefix of that order (and of every read that
/// started after it ended); no value appears twice, comes from nowhere, or from a failed
/// transaction; every acknowledged append is in the final read; a transaction's appends are all
/// applied or none; and the graph of write-write, write-read and read-write dependencies between
/// committed transactions has no cycle, so some serial order explains every read.
/// A transaction touches each key at most once (the workload makes them so), so no read sees its
/// own transaction's append.
/// </summary>
internal static class ListAppendChecker
{
    /// <param name="database">The database the operations ran on.</param>
    /// <param name="ops">Its operations, in any order.</param>
    /// <param name="final">Each key's list as read once every client stopped.</param>
    /// <param name="realTime">
    /// Also require a read to see every value a read that ended before it began saw (strict
    /// serializability). Not for owned databases: an owner another claimant displaced reads its
    /// own cache, without a round trip, until its next commit fails, so its reads may be stale.
    /// </param>
    public static CheckResult Check(string database, IReadOnlyList<Op> ops, IReadOnlyDictionary<int, IReadOnlyList<long>> final, bool realTime = true)
    {
        var result = new CheckResult();
        void Anomaly(string kind, string description, params Op[] involved) =>
            result.Anomalies.Add(new Anomaly(kind, database, description, involved.Distinct().ToList()));

        var finalOp = new Op
        {
            Index = -1, Database = database, Client = -1, Invoked = long.MaxValue - 1, Completed = long.MaxValue,
            Mops = final.OrderBy(p => p.Key).Select(p => Mop.Read(p.Key, p.Value)).ToList(), Outcome = Outcome.Ok, Error = "final read",
        };
        var writers = new Dictionary<long, (Op Op, int Key)>();
        foreach (var op in ops)
        {
            foreach (var mop in op.Mops.Where(m => m.Kind == MopKind.Append))
            {
                if (!writers.TryAdd(mop.Value, (op, mop.Key)))
                {
                    Anomaly("duplicate-append", $"value {mop.Value} is appended twice", writers[mop.Value].Op, op);
                }
            }
        }

        // Every read, with the final one last: (op, key, list).
        var reads = ops.Where(op => op.Outcome == Outcome.Ok)
            .SelectMany(op => op.Mops.Where(m => m.Kind == MopKind.Read && m.List is not null).Select(m => (Op: op, m.Key, List: m.List!)))
            .Concat(finalOp.Mops.Select(m => (Op: finalOp, m.Key, List: m.List!)))
            .ToList();
        // Each bad value once, with the first read that showed it: the minimal part of the history.
        var reported = new HashSet<(string, long)>();
        foreach (var (op, key, list) in reads.OrderBy(r => r.Op.Index == -1 ? int.MaxValue : r.Op.Index))
        {
            var seen = new HashSet<long>();
            foreach (var value in list)
            {
                if (!seen.Add(value))
                {
                    if (reported.Add(("duplicated-write", value)))
                    {
                        Anomaly("duplicated-write", $"key {key}: value {value} appears more than once", writers.TryGetValue(value, out var w) ? [w.Op, op] : [op]);
                    }
                }
                else if (!writers.TryGetValue(value, out var writer) || writer.Key != key)
                {
                    if (reported.Add(("garbage-read", value)))
                    {
                        Anomaly("garbage-read", $"key {key}: value {value} was never appended to it", op);
                    }
                }
                else if (writer.Op.Outcome == Outcome.Fail && reported.Add(("read-of-failed-write", value)))
                {
                    Anomaly("read-of-failed-write", $"key {key}: value {value} is from a transaction that failed", writer.Op, op);
                }
            }
        }

        // The version order of each key: its longest read; every read must be a prefix of it.
        var order = new Dictionary<int, IReadOnlyList<long>>();
        foreach (var group in reads.GroupBy(r => r.Key))
        {
            var longest = group.MaxBy(r => r.List.Count);
            order[group.Key] = longest.List;
            foreach (var read in group.Where(r => !IsPrefix(r.List, longest.List)))
            {
                Anomaly("non-prefix-read", $"key {group.Key}: [{string.Join(' ', read.List)}] is not a prefix of [{string.Join(' ', longest.List)}]", read.Op, longest.Op);
            }
            var finalList = final.TryGetValue(group.Key, out var f) ? f : [];
            if (finalList.Count < longest.List.Count && IsPrefix(finalList, longest.List))
            {
                Anomaly("lost-observed-write", $"key {group.Key}: the final read has {finalList.Count} values, an earlier read saw {longest.List.Count}", longest.Op, finalOp);
            }
            if (realTime)
            {
                CheckRealTime(group.Key, group.Select(r => (r.Op, r.List)).ToList(), Anomaly);
            }
        }

        var present = new HashSet<long>(final.Values.SelectMany(v => v));
        foreach (var op in ops)
        {
            var appends = op.Mops.Where(m => m.Kind == MopKind.Append).ToList();
            var applied = appends.Count(m => present.Contains(m.Value));
            if (op.Outcome == Outcome.Ok && applied < appends.Count)
            {
                var lost = appends.Where(m => !present.Contains(m.Value)).Select(m => $"{m.Value} to key {m.Key}");
                Anomaly("lost-write", $"acknowledged append of {string.Join(", ", lost)} is not in the final read", op, finalOp);
            }
            else if (applied > 0 && applied < appends.Count)
            {
                Anomaly("partial-transaction", $"{applied} of the transaction's {appends.Count} appends were applied", op, finalOp);
            }
            if (op.Outcome == Outcome.Unknown)
            {
                result.Unknown++;
                if (applied > 0)
                {
                    result.UnknownApplied++;
                }
                else
                {
                    result.UnknownNotApplied++;
                }
            }
        }

        foreach (var cycle in DependencyGraph.Cycles(ops, order, writers.ToDictionary(p => p.Key, p => p.Value.Op), present))
        {
            result.Anomalies.Add(new Anomaly(cycle.Kind, database, cycle.Description, cycle.Ops));
        }
        return result;
    }

    /// <summary>A read that started after another ended must see at least as much.</summary>
    private static void CheckRealTime(int key, List<(Op Op, IReadOnlyList<long> List)> reads, Action<string, string, Op[]> anomaly)
    {
        var byCompletion = reads.OrderBy(r => r.Op.Completed).ToList();
        var next = 0;
        (Op Op, IReadOnlyList<long> List)? longestEnded = null;
        foreach (var read in reads.OrderBy(r => r.Op.Invoked))
        {
            while (next < byCompletion.Count && byCompletion[next].Op.Completed < read.Op.Invoked)
            {
                if (longestEnded is null || byCompletion[next].List.Count > longestEnded.Value.List.Count)
                {
                    longestEnded = byCompletion[next];
                }
                next++;
            }
            if (longestEnded is { } earlier && earlier.List.Count > read.List.Count)
            {
                anomaly("stale-read", $"key {key}: a read saw {read.List.Count} values after a read that had ended saw {earlier.List.Count}", [earlier.Op, read.Op]);
            }
        }
    }

    private static bool IsPrefix(IReadOnlyList<long> prefix, IReadOnlyList<long> list)
    {
        if (prefix.Count > list.Count)
        {
            return false;
        }
        for (var i = 0; i < prefix.Count; i++)
        {
            if (prefix[i] != list[i])
            {
                return false;
            }
        }
        return true;
    }
}
