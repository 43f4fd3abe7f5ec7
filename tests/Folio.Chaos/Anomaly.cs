namespace Folio.Chaos;

/// <summary>One thing the history shows that must never happen, with the operations that show it.</summary>
internal sealed record Anomaly(string Kind, string Database, string Description, IReadOnlyList<Op> Ops)
{
    public override string ToString() =>
        $"anomaly {Kind} in {Database}: {Description}" + string.Concat(Ops.Select(op => "\n    " + op));
}

/// <summary>What checking a database's history found.</summary>
internal sealed class CheckResult
{
    public List<Anomaly> Anomalies { get; } = [];

    /// <summary>Operations whose outcome was unknown when they ended.</summary>
    public int Unknown { get; set; }

    /// <summary>Unknown operations the final read shows were applied.</summary>
    public int UnknownApplied { get; set; }

    /// <summary>Unknown operations the final read shows were not applied.</summary>
    public int UnknownNotApplied { get; set; }

    public void Add(CheckResult other)
    {
        Anomalies.AddRange(other.Anomalies);
        Unknown += other.Unknown;
        UnknownApplied += other.UnknownApplied;
        UnknownNotApplied += other.UnknownNotApplied;
    }
}
