namespace Folio.Conformance.Targets;

/// <summary>The stores the suite knows, by command-line name.</summary>
public static class StoreTargets
{
    /// <summary>Every name <c>--store</c> accepts, available or not.</summary>
    public static IReadOnlyList<string> Names { get; } = ["native", "memory", "file", "redis"];

    /// <summary>
    /// Returns the target called <paramref name="name"/>; dispose it when done if it is
    /// <see cref="IDisposable"/> (the Redis target holds a connection and maybe a server).
    /// </summary>
    /// <param name="name">The store's name.</param>
    /// <param name="redis">For <c>redis</c>: the Redis to use (see <see cref="RedisTarget.Create"/>).</param>
    /// <exception cref="ArgumentException">No store has that name.</exception>
    /// <exception cref="StoreNotAvailableException">The store cannot be used here.</exception>
    public static IStoreTarget Get(string name, string? redis = null) => name switch
    {
        "native" => new NativeTarget(),
        "memory" => new MemoryTarget(),
        "file" => new FileTarget(),
        "redis" => RedisTarget.Create(redis),
        _ => throw new ArgumentException($"unknown store '{name}': expected one of {string.Join(", ", Names)}", nameof(name)),
    };
}
