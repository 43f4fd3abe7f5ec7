using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DurableGrains;

/// <summary>The default run: a silo and a client in this process, then a silo restart that loses nothing.</summary>
public static class Demo
{
    /// <summary>Runs the demo against <paramref name="redis"/>.</summary>
    /// <param name="redis">The Redis configuration string.</param>
    /// <param name="redisIsTemporary">True when the sample started that Redis and removes it at exit.</param>
    /// <param name="logLevel">The hosts' log level.</param>
    /// <param name="output">Where to print.</param>
    public static async Task RunAsync(string redis, bool redisIsTemporary, LogLevel logLevel, TextWriter output)
    {
        var run = DateTime.UtcNow.ToString("yyyyMMddHHmmss");

        output.WriteLine("== Silo 1 ==");
        await using (var cluster = await StartAsync(redis, logLevel))
        {
            await ClientScript.PostAsync(cluster.Grains, run, output);
            await ClientScript.ShowAsync(cluster.Grains, output);
        }

        // A new silo has no state of its own: the accounts re-activate from their ledgers in Redis.
        output.WriteLine("== Silo 1 stopped (its activations closed their ledgers); silo 2 started ==");
        await using (var cluster = await StartAsync(redis, logLevel))
        {
            await ClientScript.ShowAsync(cluster.Grains, output);
        }
        output.WriteLine("Every balance and line survived the restart: each account's SQLite database lives in Redis, not in the silo.");
        output.WriteLine(redisIsTemporary
            ? "The Redis started for this run goes away now; run with FOLIO_REDIS=HOST:PORT to keep the ledgers and see them grow run after run."
            : $"alice's pages and metadata are the Redis keys matching '{{folio:ledger:alice}}*' (redis-cli --scan --pattern ...).");
    }

    private static async Task<RunningCluster> StartAsync(string redis, LogLevel logLevel)
    {
        var siloPort = LocalRedis.FreePort();
        var gatewayPort = LocalRedis.FreePort();
        var silo = LedgerHosting.BuildSilo(redis, siloPort, gatewayPort, primarySiloPort: null, logLevel);
        await silo.StartAsync();
        var client = LedgerHosting.BuildClient([gatewayPort], logLevel);
        await client.StartAsync();
        return new RunningCluster(silo, client);
    }

    private sealed class RunningCluster(IHost silo, IHost client) : IAsyncDisposable
    {
        public IGrainFactory Grains => client.Services.GetRequiredService<IClusterClient>();

        public async ValueTask DisposeAsync()
        {
            await client.StopAsync();
            client.Dispose();
            await silo.StopAsync();
            silo.Dispose();
        }
    }
}
