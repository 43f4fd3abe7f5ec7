using System.Net;
using Folio.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace DurableGrains;

/// <summary>How a silo and a client of the sample are put together.</summary>
public static class LedgerHosting
{
    /// <summary>
    /// Registers what <see cref="AccountGrain"/> needs: one Redis connection for the silo (made
    /// with <see cref="RedisPageStore.Connect"/>, disposed with the host) and <see cref="LedgerStorage"/>.
    /// A silo of many busy accounts also needs <see cref="ReserveThreadsForStoreCalls"/>.
    /// </summary>
    /// <param name="services">The silo's services.</param>
    /// <param name="redisConfiguration">A StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379</c>.</param>
    public static IServiceCollection AddLedgerStorage(this IServiceCollection services, string redisConfiguration)
    {
        ArgumentException.ThrowIfNullOrEmpty(redisConfiguration);
        services.AddSingleton<IConnectionMultiplexer>(_ => RedisPageStore.Connect(redisConfiguration));
        services.AddSingleton<LedgerStorage>();
        return services;
    }

    /// <summary>
    /// Lets the thread pool start threads at once for up to <paramref name="blockedTurns"/> grain
    /// turns waiting on Redis. Folio's store calls are synchronous (SQLite's VFS is), so a turn that
    /// reaches Redis holds its thread until Redis answers, and the answer is itself read on the
    /// thread pool. With the default minimum (one thread per core) fifty busy accounts starve the
    /// pool: answers wait for its slow thread injection and Redis calls time out.
    /// </summary>
    /// <param name="blockedTurns">How many turns may wait on Redis at once without waiting for a thread.</param>
    public static void ReserveThreadsForStoreCalls(int blockedTurns = 256)
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, blockedTurns), Math.Max(completionPorts, blockedTurns));
    }

    /// <summary>
    /// A silo host with localhost clustering: the first silo (no <paramref name="primarySiloPort"/>)
    /// keeps the membership; others on this machine join it by its silo port.
    /// </summary>
    public static IHost BuildSilo(string redisConfiguration, int siloPort, int gatewayPort, int? primarySiloPort, LogLevel logLevel)
    {
        ReserveThreadsForStoreCalls();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(logLevel);
        // A second silo started in one process (the demo's restart) gets a watchdog warning about a
        // stall as long as the machine's uptime, which never happened; --verbose still shows it.
        builder.Logging.AddFilter("Orleans.Runtime.Watchdog", logLevel > LogLevel.Warning ? logLevel : LogLevel.Error);
        builder.Services.AddLedgerStorage(redisConfiguration);
        builder.UseOrleans(silo => silo.UseLocalhostClustering(siloPort, gatewayPort,
            primarySiloPort is { } primary ? new IPEndPoint(IPAddress.Loopback, primary) : null));
        return builder.Build();
    }

    /// <summary>A client host that reaches the cluster through the silos' gateway ports.</summary>
    public static IHost BuildClient(int[] gatewayPorts, LogLevel logLevel)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(logLevel);
        builder.UseOrleansClient(client => client.UseLocalhostClustering(gatewayPorts));
        return builder.Build();
    }
}
