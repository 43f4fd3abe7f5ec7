using System.Collections.Concurrent;
using Folio.Redis;
using Folio.Storage;
using StackExchange.Redis;

namespace Folio.Cli.Stores;

/// <summary><c>redis://host:port/database</c>: a <see cref="RedisPageStore"/>.</summary>
internal sealed class RedisStoreScheme : IStoreScheme
{
    public string Scheme => "redis";

    public string Syntax => "redis://<host>:<port>/<database>";

    public StoreLocation Parse(string uri)
    {
        if (!System.Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || string.IsNullOrEmpty(parsed.Host)
            || parsed.AbsolutePath.Trim('/').Length == 0)
        {
            throw new UsageException($"'{uri}' is not a Redis store location; write {Syntax}");
        }
        var database = System.Uri.UnescapeDataString(parsed.AbsolutePath.Trim('/'));
        try
        {
            RedisPageStore.ValidateDatabaseName(database);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"'{uri}': {e.Message}");
        }
        var port = parsed.IsDefaultPort || parsed.Port < 0 ? 6379 : parsed.Port;
        return new RedisStoreLocation(uri, $"{parsed.Host}:{port}", database);
    }
}

/// <summary>A database in a Redis server or cluster.</summary>
internal sealed class RedisStoreLocation(string uri, string endpoint, string database) : StoreLocation(uri)
{
    // One connection per endpoint for the life of the command (a command may open a store twice).
    private static readonly ConcurrentDictionary<string, ConnectionMultiplexer> Connections = new(StringComparer.Ordinal);

    public string Endpoint { get; } = endpoint;

    public string Database { get; } = database;

    public override StoreProbe? Probe()
    {
        var probe = RedisPageStore.Probe(Connect(), Database);
        return probe is { } p ? new StoreProbe(p.PageSize, p.PageCount) : null;
    }

    public override IPageStore Open(int pageSize, StoreSettings settings) => RedisPageStore.Open(Connect(), Database, pageSize);

    public override IEnumerable<KeyValuePair<string, string>> Describe(IPageStore store)
    {
        var redis = (RedisPageStore)store;
        yield return new("kind", "Redis store (one key per page, one hash slot per database)");
        yield return new("server", Endpoint);
        yield return new("database", Database);
        yield return new("keys", $"{{folio:{Database}}}:meta, :log, :p:<n>");
        yield return new("round trips", redis.RoundTrips.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private ConnectionMultiplexer Connect()
    {
        var connection = Connections.GetOrAdd(Endpoint, static endpoint => RedisPageStore.Connect(endpoint));
        if (!connection.IsConnected)
        {
            // Give a first connection a moment; the store's own calls then fail with the cause if it stays down.
            connection.GetDatabase().Ping();
        }
        return connection;
    }
}
