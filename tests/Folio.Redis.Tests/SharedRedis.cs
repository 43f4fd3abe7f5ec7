using Folio.Redis.Tests.Infrastructure;
using NUnit.Framework;
using StackExchange.Redis;

namespace Folio.Redis.Tests;

/// <summary>One redis-server for the tests that do not stop or cluster theirs; each test uses its own database names.</summary>
[SetUpFixture]
public sealed class SharedRedis
{
    private static RedisServer? _server;
    private static ConnectionMultiplexer? _connection;

    internal static RedisServer Server => _server ?? throw new InvalidOperationException("The shared redis-server is not running.");

    internal static ConnectionMultiplexer Connection => _connection ?? throw new InvalidOperationException("The shared redis-server is not running.");

    /// <summary>A database name no other test uses.</summary>
    internal static string NewName(string purpose) => $"{purpose}-{Guid.NewGuid():N}";

    /// <summary>Opens a new connection to the shared server (as another process would have).</summary>
    internal static ConnectionMultiplexer Connect(RedisStoreOptions? options = null) => RedisPageStore.Connect(Server.Configuration, options);

    [OneTimeSetUp]
    public void StartServer()
    {
        _server = RedisServer.Start();
        _connection = RedisPageStore.Connect(_server.Configuration);
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _connection?.Dispose();
        _server?.Dispose();
    }
}
