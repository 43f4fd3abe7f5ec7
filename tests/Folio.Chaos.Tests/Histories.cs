namespace Folio.Chaos.Tests;

/// <summary>Hand-made histories: operations with the invocation and completion times given in ticks.</summary>
internal sealed class Histories
{
    private readonly List<Op> _ops = [];

    public IReadOnlyList<Op> Ops => _ops;

    public Op Add(Outcome outcome, long invoked, long completed, params Mop[] mops)
    {
        var op = new Op { Index = _ops.Count, Database = "db", Client = _ops.Count, Invoked = invoked, Mops = mops };
        History.Complete(op, outcome, null, null, completed);
        _ops.Add(op);
        return op;
    }

    public static Dictionary<int, IReadOnlyList<long>> Final(params (int Key, long[] List)[] lists) =>
        lists.ToDictionary(l => l.Key, l => (IReadOnlyList<long>)l.List);
}
