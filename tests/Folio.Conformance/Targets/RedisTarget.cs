using Folio.Testing;
using Folio.Redis;
using Folio.Storage;
using StackExchange.Redis;

namespace Folio.Conformance.Targets;

/// <summary>
/// Folio's VFS on a fresh <see cref="RedisPageStore"/> database per script, on the Redis named by
/// <c>--redis</c> or <c>FOLIO_REDIS</c> (a StackExchange.Redis configuration such as
/// <c>127.0.0.1:6379</c>), else on a private redis-server started for the run on a free loopback
/// port. Each script's keys are deleted after it.
/// </summary>
public sealed class RedisTarget : FolioStoreTarget, IDisposable
{
    /// <summary>The environment variable naming the Redis to use.</summary>
    public const string ConfigurationVariable = "FOLIO_REDIS";

    private readonly ConnectionMultiplexer _redis;
    private readonly RedisServer? _server;

    private RedisTarget(ConnectionMultiplexer redis, RedisServer? server, bool owned, string name = "redis")
    {
        _redis = redis;
        _server = server;
        Owned = owned;
        Name = name;
    }

    /// <summary>Each script's database is opened owned (<see cref="RedisStoreOptions.Owned"/>).</summary>
    public bool Owned { get; }

    /// <inheritdoc />
    public override string Name { get; }

    /// <summary>Where the target's Redis is.</summary>
    public string Configuration => _redis.Configuration;

    /// <summary>
    /// Connects to <paramref name="configuration"/> (or <c>FOLIO_REDIS</c>, or a private server when
    /// neither is set) and checks that Redis answers; with <paramref name="owned"/> every script's
    /// database is opened owned.
    /// </summary>
    /// <exception cref="StoreNotAvailableException">No Redis can be reached or started.</exception>
    public static RedisTarget Create(string? configuration = null, bool owned = false)
    {
        configuration ??= Environment.GetEnvironmentVariable(ConfigurationVariable);
        RedisServer? server = null;
        if (string.IsNullOrEmpty(configuration))
        {
            if (!RedisServerInstalled)
            {
                throw new StoreNotAvailableException("redis",
                    $"redis-server is not installed (apt-get install redis-server) and neither --redis nor {ConfigurationVariable} names a Redis");
            }
            server = RedisServer.Start();
            configuration = server.Configuration;
        }
        ConnectionMultiplexer? redis = null;
        try
        {
            redis = RedisPageStore.Connect(configuration);
            redis.GetDatabase().Ping();
            return new RedisTarget(redis, server, owned);
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ArgumentException)
        {
            redis?.Dispose();
            server?.Dispose();
            throw new StoreNotAvailableException("redis", $"cannot reach Redis at '{configuration}': {e.Message}");
        }
        catch
        {
            redis?.Dispose();
            server?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A target on a private Garnet server (Microsoft's Redis-compatible server, installed on first
    /// use by <see cref="GarnetTool"/>), named <c>garnet</c>.
    /// </summary>
    /// <exception cref="StoreNotAvailableException">Garnet cannot be installed, started or reached.</exception>
    public static RedisTarget CreateOnGarnet()
    {
        RedisServer server;
        try
        {
            server = RedisServer.StartGarnet();
        }
        catch (InvalidOperationException e)
        {
            throw new StoreNotAvailableException("garnet", e.Message);
        }
        try
        {
            var redis = RedisPageStore.Connect(server.Configuration);
            redis.GetDatabase().Ping();
            return new RedisTarget(redis, server, owned: false, "garnet");
        }
        catch (RedisException e)
        {
            server.Dispose();
            throw new StoreNotAvailableException("garnet", $"cannot reach Garnet at '{server.Configuration}': {e.Message}");
        }
    }

    private static bool RedisServerInstalled => (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Any(dir => File.Exists(Path.Combine(dir, "redis-server")));

    /// <inheritdoc />
    protected override IPageStore CreateStore(string name, out IDisposable? cleanup)
    {
        cleanup = new DeleteKeys(_redis, name);
        return RedisPageStore.Open(_redis, name, options: new RedisStoreOptions { Owned = Owned });
    }

    /// <summary>Closes the connection and stops the private server, if any.</summary>
    public void Dispose()
    {
        _redis.Dispose();
        _server?.Dispose();
    }

    /// <summary>Deletes every key of one database (they share the hash tag <c>{folio:name}</c>).</summary>
    private sealed class DeleteKeys(ConnectionMultiplexer redis, string database) : IDisposable
    {
        public void Dispose()
        {
            var pattern = "{folio:" + database + "}:*";
            foreach (var server in redis.GetServers().Where(s => s.IsConnected && !s.IsReplica))
            {
                var keys = server.Keys(pattern: pattern, pageSize: 1000).ToArray();
                if (keys.Length > 0)
                {
                    redis.GetDatabase().KeyDelete(keys);
                }
            }
        }
    }
}
