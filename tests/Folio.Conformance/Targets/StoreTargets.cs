namespace Folio.Conformance.Targets;

/// <summary>The stores the suite knows, by command-line name.</summary>
public static class StoreTargets
{
    /// <summary>Every name <c>--store</c> accepts, available or not.</summary>
    public static IReadOnlyList<string> Names { get; } = ["native", "memory", "file", "redis"];

    /// <summary>Returns the target called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No store has that name.</exception>
    /// <exception cref="StoreNotAvailableException">The store exists but cannot be used in this build.</exception>
    public static IStoreTarget Get(string name) => name switch
    {
        "native" => new NativeTarget(),
        "memory" => new MemoryTarget(),
        "file" => new FileTarget(),
        // The Redis store is being built separately: once Folio has it, a RedisTarget subclass of
        // FolioStoreTarget (its CreateStore connecting to the server) goes here.
        "redis" => throw new StoreNotAvailableException("redis", "Folio has no Redis page store in this build"),
        _ => throw new ArgumentException($"unknown store '{name}': expected one of {string.Join(", ", Names)}", nameof(name)),
    };
}
