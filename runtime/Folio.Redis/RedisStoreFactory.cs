using StackExchange.Redis;

namespace Folio.Redis;

/// <summary>
/// The factory Folio's source generator calls for <c>[RedisStorage]</c> databases: each public
/// static method whose last parameter is <c>int pageSize</c> becomes a generated <c>Open</c>
/// overload without that parameter (the page size comes from the database class).
/// </summary>
public static class RedisStoreFactory
{
    /// <summary>Opens (or creates) <paramref name="database"/> on <paramref name="redis"/> with default options.</summary>
    /// <param name="redis">The Redis connection; it stays the caller's.</param>
    /// <param name="database">The database's name (its Redis keys carry the hash tag <c>{folio:&lt;database&gt;}</c>).</param>
    /// <param name="pageSize">The page size the database class declares.</param>
    public static RedisPageStore Create(IConnectionMultiplexer redis, string database, int pageSize) =>
        RedisPageStore.Open(redis, database, pageSize);

    /// <summary>
    /// Opens (or creates) <paramref name="database"/>, owned when <paramref name="owned"/> (see
    /// <see cref="RedisStoreOptions.Owned"/>). <c>[RedisStorage(Owned = true)]</c> fixes it, so the
    /// class's <c>Open(redis, database)</c> opens owned.
    /// </summary>
    public static RedisPageStore Create(IConnectionMultiplexer redis, string database, bool owned, int pageSize) =>
        RedisPageStore.Open(redis, database, pageSize, new RedisStoreOptions { Owned = owned });
}
