using StackExchange.Redis;

namespace Folio.Redis;

/// <summary>Chooses a Redis store for a database class a host opens (<c>AddFolioDatabase&lt;TDb&gt;(o =&gt; o.UseRedis(…))</c>).</summary>
public static class RedisDatabaseOptionsExtensions
{
    /// <summary>
    /// Keeps the database in Redis as <paramref name="database"/>, on the host's
    /// <see cref="IConnectionMultiplexer"/> service (register one, e.g.
    /// <c>services.AddSingleton&lt;IConnectionMultiplexer&gt;(_ =&gt; RedisPageStore.Connect("localhost:6379"))</c>).
    /// </summary>
    /// <param name="options">The database's options.</param>
    /// <param name="database">The database's name in Redis.</param>
    /// <param name="redisOptions">The store's options (owned, read-ahead, timeouts); null for the defaults.</param>
    public static FolioDatabaseOptions UseRedis(this FolioDatabaseOptions options, string database, RedisStoreOptions? redisOptions = null) =>
        options.UseRedis(static services => services.GetService(typeof(IConnectionMultiplexer)) as IConnectionMultiplexer
            ?? throw new InvalidOperationException("UseRedis(database) needs an IConnectionMultiplexer service: register one, or pass a factory to UseRedis."),
            database, redisOptions);

    /// <summary>Keeps the database in Redis as <paramref name="database"/>, on the connection <paramref name="redis"/> gives (it stays the host's).</summary>
    /// <param name="options">The database's options.</param>
    /// <param name="redis">Gives the Redis connection from the host's services.</param>
    /// <param name="database">The database's name in Redis.</param>
    /// <param name="redisOptions">The store's options (owned, read-ahead, timeouts); null for the defaults.</param>
    public static FolioDatabaseOptions UseRedis(this FolioDatabaseOptions options, Func<IServiceProvider, IConnectionMultiplexer> redis, string database,
        RedisStoreOptions? redisOptions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(redis);
        RedisPageStore.ValidateDatabaseName(database);
        var owned = redisOptions?.Owned == true ? ", owned" : "";
        return options.UseStore((services, pageSize) => RedisPageStore.Open(redis(services), database, pageSize, redisOptions), $"Redis database '{database}'{owned}");
    }
}
