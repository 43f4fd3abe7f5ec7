using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Folio.Chaos;

/// <summary>What one step of a transaction does.</summary>
internal enum MopKind
{
    /// <summary>List-append: append <see cref="Mop.Value"/> to key <see cref="Mop.Key"/>'s list.</summary>
    Append,

    /// <summary>List-append: read key <see cref="Mop.Key"/>'s whole list (<see cref="Mop.List"/>).</summary>
    Read,

    /// <summary>Bank: move <see cref="Mop.Value"/> from account <see cref="Mop.Key"/> to <see cref="Mop.To"/>, logged as transfer <see cref="Mop.Id"/>.</summary>
    Transfer,

    /// <summary>Bank: read every balance (<see cref="Mop.List"/>, by account).</summary>
    Balances,
}

/// <summary>One step of a transaction; <see cref="List"/> is a read's result (null before or without one).</summary>
internal sealed record Mop(MopKind Kind, int Key, long Value = 0, int To = 0, long Id = 0, IReadOnlyList<long>? List = null)
{
    public static Mop Append(int key, long value) => new(MopKind.Append, key, value);

    public static Mop Read(int key, IReadOnlyList<long>? list = null) => new(MopKind.Read, key, List: list);

    public static Mop Transfer(int from, int to, long amount, long id) => new(MopKind.Transfer, from, amount, to, id);

    public static Mop Balances(IReadOnlyList<long>? list = null) => new(MopKind.Balances, 0, List: list);

    /// <summary>The text form used in the history and on a child client's output: <c>a,k,v</c>, <c>r,k,v;v</c>, <c>t,from,to,amount,id</c>, <c>b,v;v</c>.</summary>
    public override string ToString() => Kind switch
    {
        MopKind.Append => $"a,{Key},{Value}",
        MopKind.Read => $"r,{Key},{Values(List)}",
        MopKind.Transfer => $"t,{Key},{To},{Value},{Id}",
        _ => $"b,{Values(List)}",
    };

    private static string Values(IReadOnlyList<long>? list) => list is null ? "?" : string.Join(';', list);

    public static Mop Parse(string text)
    {
        var parts = text.Split(',');
        return parts[0] switch
        {
            "a" => Append(Int(parts[1]), Long(parts[2])),
            "r" => Read(Int(parts[1]), ParseList(parts[2])),
            "t" => Transfer(Int(parts[1]), Int(parts[2]), Long(parts[3]), Long(parts[4])),
            "b" => Balances(ParseList(parts[1])),
            _ => throw new FormatException($"not a step of a transaction: '{text}'"),
        };
    }

    private static long[]? ParseList(string text) =>
        text == "?" ? null : text.Length == 0 ? [] : text.Split(';').Select(Long).ToArray();

    private static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);

    private static long Long(string s) => long.Parse(s, CultureInfo.InvariantCulture);
}

/// <summary>How an operation ended: acknowledged, certainly not applied, or either (a lost answer, a killed client).</summary>
internal enum Outcome
{
    Ok,
    Fail,
    Unknown,
}

/// <summary>
/// One operation of the history: a transaction of <see cref="Mops"/> on <see cref="Database"/> by
/// <see cref="Client"/>, invoked and completed at <see cref="Stopwatch"/> timestamps (the system's
/// monotonic clock, the same in every process of the machine).
/// </summary>
internal sealed class Op
{
    public required int Index { get; init; }

    public required string Database { get; init; }

    public required int Client { get; init; }

    public required long Invoked { get; init; }

    public required IReadOnlyList<Mop> Mops { get; set; }

    /// <summary>When it completed; <see cref="long.MaxValue"/> while it has not (and for a client killed meanwhile).</summary>
    public long Completed { get; set; } = long.MaxValue;

    public Outcome Outcome { get; set; } = Outcome.Unknown;

    public string? Error { get; set; }

    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"#{Index} client {Client} {Database} {Outcome.ToString().ToLowerInvariant()} [{string.Join(' ', Mops)}]");
        text.Append(CultureInfo.InvariantCulture, $" t={Millis(Invoked)}..{(Completed == long.MaxValue ? "?" : Millis(Completed))} ms");
        if (Error is not null)
        {
            text.Append(" (").Append(Error).Append(')');
        }
        return text.ToString();
    }

    private static string Millis(long timestamp) => (timestamp * 1000 / Stopwatch.Frequency % 10_000_000).ToString(CultureInfo.InvariantCulture);
}

/// <summary>The history of a run: every operation, in invocation order, appended to by many threads.</summary>
internal sealed class History
{
    private readonly List<Op> _ops = [];

    public IReadOnlyList<Op> Ops
    {
        get
        {
            lock (_ops)
            {
                return _ops.ToList();
            }
        }
    }

    /// <summary>Records an invocation.</summary>
    public Op Invoke(string database, int client, IReadOnlyList<Mop> mops, long? at = null)
    {
        lock (_ops)
        {
            var op = new Op { Index = _ops.Count, Database = database, Client = client, Mops = mops, Invoked = at ?? Stopwatch.GetTimestamp() };
            _ops.Add(op);
            return op;
        }
    }

    /// <summary>Records a completion, with the steps' results (reads filled in) for an acknowledged one.</summary>
    public static void Complete(Op op, Outcome outcome, IReadOnlyList<Mop>? results, string? error, long? at = null)
    {
        lock (op)
        {
            op.Completed = at ?? Stopwatch.GetTimestamp();
            op.Outcome = outcome;
            op.Error = error;
            if (results is not null)
            {
                op.Mops = results;
            }
        }
    }
}
