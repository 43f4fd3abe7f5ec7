using DurableGrains;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;
using StackExchange.Redis;

namespace Folio.DurableGrains.Tests;

/// <summary>A two-silo Orleans cluster in this process whose account grains keep their ledgers in the tests' Redis.</summary>
internal static class LedgerCluster
{
    /// <summary>How long a grain call may go unanswered (a silo stopping mid-call) before the caller hears of it.</summary>
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(5);

    public static async Task<InProcessTestCluster> StartAsync(LedgerInterceptions interceptions)
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.Options.ConfigureFileLogging = false;
        var redis = SharedRedis.Server.Configuration;
        builder.ConfigureSilo((_, silo) =>
        {
            // The sample's own registration, then the tests' storage in place of the plain one.
            silo.Services.AddLedgerStorage(redis);
            silo.Services.AddSingleton<LedgerStorage>(services =>
                new InterceptingLedgerStorage(services.GetRequiredService<IConnectionMultiplexer>(), interceptions));
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout);
        });
        builder.ConfigureClient(client =>
        {
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout);
            // Requests sent through a stopped silo's gateway go unanswered: drop it from the list soon.
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
