using Folio.Redis;
using Folio.Testing;
using NUnit.Framework;
using StackExchange.Redis;

namespace Folio.DurableGrains.Tests;

/// <summary>One redis-server of the tests' own for the whole run; each test uses its own account names.</summary>
[SetUpFixture]
public sealed class SharedRedis
{
    private static RedisServer? _server;
    private static ConnectionMultiplexer? _connection;

    internal static RedisServer Server => _server ?? throw new InvalidOperationException("The tests' redis-server is not running.");

    internal static ConnectionMultiplexer Connection => _connection ?? throw new InvalidOperationException("The tests' redis-server is not running.");

    /// <summary>An account name no other test uses.</summary>
    internal static string NewAccount(string purpose) => $"{purpose}-{Guid.NewGuid():N}";

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
