namespace Folio.Chaos;

/// <summary>A cycle of dependencies between committed transactions: no serial order explains it.</summary>
internal sealed record DependencyCycle(string Kind, string Description, IReadOnlyList<Op> Ops);

/// <summary>
/// The dependency graph of a list-append history (Adya's, as Elle infers it): for each key,
/// ww from the writer of each value to the writer of the next in the key's version order; wr
/// from the writer of the last value a read saw to the reader; rw from the reader to the writer
/// of the first value it did not see. Committed transactions are the acknowledged ones and the
/// unknown ones whose appends the final read holds. A strongly connected component of more than
/// one transaction is a cycle: G0 (ww only), G1c (ww and wr), G2 (with rw).
/// </summary>
internal static class DependencyGraph
{
    public static List<DependencyCycle> Cycles(IReadOnlyList<Op> ops, IReadOnlyDictionary<int, IReadOnlyList<long>> order,
        IReadOnlyDictionary<long, Op> writerOf, HashSet<long> present)
    {
        bool Committed(Op op) => op.Outcome == Outcome.Ok
            || (op.Outcome == Outcome.Unknown && op.Mops.Any(m => m.Kind == MopKind.Append && present.Contains(m.Value)));
        var edges = new Dictionary<Op, Dictionary<Op, HashSet<string>>>();
        void Edge(Op from, Op to, string kind)
        {
            if (from == to || !Committed(from) || !Committed(to))
            {
                return;
            }
            if (!edges.TryGetValue(from, out var targets))
            {
                edges[from] = targets = [];
            }
            if (!targets.TryGetValue(to, out var kinds))
            {
                targets[to] = kinds = [];
            }
            kinds.Add(kind);
        }

        foreach (var (_, values) in order)
        {
            for (var i = 1; i < values.Count; i++)
            {
                if (writerOf.TryGetValue(values[i - 1], out var a) && writerOf.TryGetValue(values[i], out var b))
                {
                    Edge(a, b, "ww");
                }
            }
        }
        foreach (var op in ops.Where(o => o.Outcome == Outcome.Ok))
        {
            foreach (var read in op.Mops.Where(m => m.Kind == MopKind.Read && m.List is not null))
            {
                var list = read.List!;
                if (list.Count > 0 && writerOf.TryGetValue(list[^1], out var writer))
                {
                    Edge(writer, op, "wr");
                }
                if (order.TryGetValue(read.Key, out var values) && list.Count < values.Count && writerOf.TryGetValue(values[list.Count], out var next))
                {
                    Edge(op, next, "rw");
                }
            }
        }

        var cycles = new List<DependencyCycle>();
        // Long chains of ww edges make the recursion deep: give it a stack of its own.
        var thread = new Thread(() =>
        {
            foreach (var component in StronglyConnected(edges).Where(c => c.Count > 1))
            {
                cycles.Add(Describe(component, edges));
            }
        }, 256 * 1024 * 1024);
        thread.Start();
        thread.Join();
        return cycles;
    }

    private static DependencyCycle Describe(List<Op> component, Dictionary<Op, Dictionary<Op, HashSet<string>>> edges)
    {
        // The shortest cycle through the component's first transaction, found breadth first inside the component.
        var members = component.ToHashSet();
        var start = component.MinBy(op => op.Index)!;
        var parent = new Dictionary<Op, Op>();
        var queue = new Queue<Op>([start]);
        Op? last = null;
        while (queue.Count > 0 && last is null)
        {
            var op = queue.Dequeue();
            foreach (var next in edges.TryGetValue(op, out var targets) ? targets.Keys : Enumerable.Empty<Op>())
            {
                if (next == start)
                {
                    last = op;
                    break;
                }
                if (members.Contains(next) && parent.TryAdd(next, op))
                {
                    queue.Enqueue(next);
                }
            }
        }
        var cycle = new List<Op>();
        for (var op = last!; op != start; op = parent[op])
        {
            cycle.Add(op);
        }
        cycle.Add(start);
        cycle.Reverse();
        var steps = cycle.Select((op, i) => (From: op, To: cycle[(i + 1) % cycle.Count])).ToList();
        var kinds = steps.SelectMany(s => edges[s.From][s.To]).ToHashSet();
        var kind = kinds.Contains("rw") ? "G2-cycle" : kinds.Contains("wr") ? "G1c-cycle" : "G0-cycle";
        var description = $"{component.Count} transactions in a dependency cycle: " +
            string.Join(" ", steps.Select(s => $"#{s.From.Index} -{string.Join('/', edges[s.From][s.To].Order())}->")) + $" #{start.Index}";
        return new DependencyCycle(kind, description, cycle);
    }

    /// <summary>Tarjan's strongly connected components.</summary>
    private static List<List<Op>> StronglyConnected(Dictionary<Op, Dictionary<Op, HashSet<string>>> edges)
    {
        var index = new Dictionary<Op, int>();
        var low = new Dictionary<Op, int>();
        var stack = new Stack<Op>();
        var onStack = new HashSet<Op>();
        var components = new List<List<Op>>();
        void Visit(Op op)
        {
            index[op] = low[op] = index.Count;
            stack.Push(op);
            onStack.Add(op);
            foreach (var next in edges.TryGetValue(op, out var targets) ? targets.Keys : Enumerable.Empty<Op>())
            {
                if (!index.ContainsKey(next))
                {
                    Visit(next);
                    low[op] = Math.Min(low[op], low[next]);
                }
                else if (onStack.Contains(next))
                {
                    low[op] = Math.Min(low[op], index[next]);
                }
            }
            if (low[op] == index[op])
            {
                var component = new List<Op>();
                Op member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    component.Add(member);
                }
                while (member != op);
                components.Add(component);
            }
        }
        foreach (var op in edges.Keys.ToList())
        {
            if (!index.ContainsKey(op))
            {
                Visit(op);
            }
        }
        return components;
    }
}
