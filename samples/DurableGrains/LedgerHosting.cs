using System.Net;
using Folio.Redis;
using Microsoft.Extensions.Configuration;
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
    /// with <see cref="RedisPageStore.Connect"/>, disposed with the host) and <see cref="LedgerStorage"/>,
    /// whose ledgers are encrypted when the configuration names a key file (<see cref="LedgerCodec"/>).
    /// The grains reach Redis on Folio's async path, so the default thread pool serves any number of
    /// busy accounts: no thread waits on Redis.
    /// </summary>
    /// <param name="services">The silo's services.</param>
    /// <param name="redisConfiguration">A StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379</c>.</param>
    public static IServiceCollection AddLedgerStorage(this IServiceCollection services, string redisConfiguration)
    {
        ArgumentException.ThrowIfNullOrEmpty(redisConfiguration);
        services.AddSingleton<IConnectionMultiplexer>(_ => RedisPageStore.Connect(redisConfiguration));
        // Ledgers are encrypted when the configuration names a key file (LedgerCodec).
        services.AddSingleton(provider => new LedgerStorage(provider.GetRequiredService<IConnectionMultiplexer>())
        {
            Codec = LedgerCodec.FromConfiguration(provider.GetService<IConfiguration>()),
        });
        // Connect when the host starts, not when the first grain activates: the connect is
        // synchronous, and made from an activation it holds a thread-pool thread (one per
        // activation racing to it) while the pool is what completes it.
        services.AddHostedService<RedisConnectionAtStart>();
        return services;
    }

    /// <summary>Makes the silo's Redis connection as the host starts.</summary>
    private sealed class RedisConnectionAtStart(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            _ = services.GetRequiredService<IConnectionMultiplexer>();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>
    /// A silo host with localhost clustering: the first silo (no <paramref name="primarySiloPort"/>)
    /// keeps the membership; others on this machine join it by its silo port.
    /// </summary>
    public static IHost BuildSilo(string redisConfiguration, int siloPort, int gatewayPort, int? primarySiloPort, LogLevel logLevel)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(logLevel);
        // A second silo started in one process (the demo's restart) gets a watchdog warning about a
        // stall as long as the machine's uptime, which never happened; --verbose still shows it.
        builder.Logging.AddFilter("Orleans.Runtime.Watchdog", logLevel > LogLevel.Warning ? logLevel : LogLevel.Error);
        // FOLIO_LEDGER__KEYFILE (Ledger:KeyFile) and FOLIO_LEDGER__COMPRESSION: see LedgerCodec.
        builder.Configuration.AddEnvironmentVariables("FOLIO_");
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
