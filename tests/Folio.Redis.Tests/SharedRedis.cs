using Folio.Redis.Tests.Infrastructure;
using NUnit.Framework;
using StackExchange.Redis;

namespace Folio.Redis.Tests;

/// <summary>
/// One redis-server for the tests that do not stop or cluster theirs, and one Garnet server for the
/// generic fixtures that also run on Garnet (started on first use); each test uses its own database names.
/// </summary>
[SetUpFixture]
public sealed class SharedRedis
{
    /// <summary>The fixture argument of tests run on redis-server.</summary>
    public const string Redis = "redis";

    /// <summary>The fixture argument of tests run on Garnet.</summary>
    public const string Garnet = "garnet";

    // Started on first use; a failure to install or start Garnet is kept, so every Garnet test fails with it at once.
    private static readonly Lazy<(RedisServer Server, ConnectionMultiplexer Connection)> SharedGarnet = new(() =>
    {
        var garnet = RedisServer.StartGarnet();
        return (garnet, RedisPageStore.Connect(garnet.Configuration));
    });

    private static RedisServer? _server;
    private static ConnectionMultiplexer? _connection;

    internal static RedisServer Server => _server ?? throw new InvalidOperationException("The shared redis-server is not running.");

    internal static ConnectionMultiplexer Connection => _connection ?? throw new InvalidOperationException("The shared redis-server is not running.");

    /// <summary>A database name no other test uses.</summary>
    internal static string NewName(string purpose) => $"{purpose}-{Guid.NewGuid():N}";

    /// <summary>Opens a new connection to the shared server (as another process would have).</summary>
    internal static ConnectionMultiplexer Connect(RedisStoreOptions? options = null) => RedisPageStore.Connect(Server.Configuration, options);

    /// <summary>The shared server of that kind (<see cref="Redis"/> or <see cref="Garnet"/>).</summary>
    internal static RedisServer ServerFor(string kind) => kind switch
    {
        Redis => Server,
        Garnet => SharedGarnet.Value.Server,
        _ => throw new ArgumentException($"unknown server kind '{kind}'", nameof(kind)),
    };

    /// <summary>The shared connection to the server of that kind.</summary>
    internal static ConnectionMultiplexer ConnectionFor(string kind) => kind == Garnet ? SharedGarnet.Value.Connection : Connection;

    /// <summary>Opens a new connection to the server of that kind.</summary>
    internal static ConnectionMultiplexer Connect(string kind, RedisStoreOptions? options = null) =>
        RedisPageStore.Connect(ServerFor(kind).Configuration, options);

    [OneTimeSetUp]
    public void StartServer()
    {
        // Many tests make synchronous store calls from async continuations (on pool threads), as
        // the sync API allows. With the pool's default minimum (one thread per core: two on CI),
        // the replies those calls wait for can sit a second for the pool's slow thread injection,
        // longer than the short command timeouts the outage tests use. Let the pool grow at once.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), Math.Max(io, 16));
        _server = RedisServer.Start();
        _connection = RedisPageStore.Connect(_server.Configuration);
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _connection?.Dispose();
        _server?.Dispose();
        if (SharedGarnet.IsValueCreated)
        {
            SharedGarnet.Value.Connection.Dispose();
            SharedGarnet.Value.Server.Dispose();
        }
    }
}
