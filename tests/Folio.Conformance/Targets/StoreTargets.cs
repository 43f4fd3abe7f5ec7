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
    /// <param name="async">Run every statement on Folio's asynchronous path (not for <c>native</c>).</param>
    /// <param name="owned">For <c>redis</c>: open each script's database owned.</param>
    /// <exception cref="ArgumentException">No store has that name, or it has no such mode.</exception>
    /// <exception cref="StoreNotAvailableException">The store cannot be used here.</exception>
    public static IStoreTarget Get(string name, string? redis = null, bool async = false, bool owned = false)
    {
        if (owned && name != "redis")
        {
            throw new ArgumentException($"--owned is a mode of the redis store, not of '{name}'", nameof(owned));
        }
        if (async && name == "native")
        {
            throw new ArgumentException("--async runs Folio's asynchronous path; the native store has none", nameof(async));
        }
        FolioStoreTarget target = name switch
        {
            "native" => null!,
            "memory" => new MemoryTarget(),
            "file" => new FileTarget(),
            "redis" => RedisTarget.Create(redis, owned),
            _ => throw new ArgumentException($"unknown store '{name}': expected one of {string.Join(", ", Names)}", nameof(name)),
        };
        if (target is null)
        {
            return new NativeTarget();
        }
        target.Async = async;
        return target;
    }
}
