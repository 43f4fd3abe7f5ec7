using StackExchange.Redis;

namespace Folio.Redis.Tests.Infrastructure;

/// <summary>
/// A fixture that runs on one kind of shared server, <see cref="SharedRedis.Redis"/> or
/// <see cref="SharedRedis.Garnet"/>: a generic test class declares both as <c>[TestFixture]</c> arguments.
/// </summary>
public abstract class ServerFixture(string server)
{
    /// <summary>The kind of server this instance runs on.</summary>
    protected string ServerKind { get; } = server;

    /// <summary>The shared connection to it.</summary>
    protected ConnectionMultiplexer Connection => SharedRedis.ConnectionFor(ServerKind);

    /// <summary>The server process.</summary>
    protected RedisServer Server => SharedRedis.ServerFor(ServerKind);

    /// <summary>A new connection to it, as another process would have.</summary>
    protected ConnectionMultiplexer Connect(RedisStoreOptions? options = null) => SharedRedis.Connect(ServerKind, options);
}
