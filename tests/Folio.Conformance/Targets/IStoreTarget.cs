namespace Folio.Conformance.Targets;

/// <summary>
/// A kind of database the suite can run on. Each script gets a fresh, empty database from
/// <see cref="OpenFresh"/>; disposing the session closes it and removes whatever it left behind.
/// </summary>
public interface IStoreTarget
{
    /// <summary>The name used on the command line (<c>--store NAME</c>) and in test names.</summary>
    string Name { get; }

    /// <summary>Opens a new, empty database; <paramref name="label"/> names it for messages.</summary>
    ISqlSession OpenFresh(string label);
}

/// <summary>A store the runner knows of but cannot use in this build.</summary>
public sealed class StoreNotAvailableException(string store, string reason)
    : Exception($"store '{store}' is not available: {reason}")
{
    /// <summary>The store asked for.</summary>
    public string Store { get; } = store;
}
