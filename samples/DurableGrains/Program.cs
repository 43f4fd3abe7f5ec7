using DurableGrains;
using Folio.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// dotnet run --project samples/DurableGrains                  a Redis (started if needed), a silo, a client
// dotnet run --project samples/DurableGrains -- silo [...]    one silo, until Ctrl+C
// dotnet run --project samples/DurableGrains -- client [...]  the client's postings against running silos
// Options: --redis HOST:PORT (or FOLIO_REDIS), --silo-port N, --gateway-port N, --primary-port N, --verbose.

var options = SampleOptions.Parse(args);
if (options.Error is not null)
{
    Console.Error.WriteLine(options.Error);
    Console.Error.WriteLine(SampleOptions.Usage);
    return 2;
}
var logLevel = options.Verbose ? LogLevel.Information : LogLevel.Warning;

if (options.Mode == "client")
{
    using var client = LedgerHosting.BuildClient([options.GatewayPort ?? 30000], logLevel);
    await client.StartAsync();
    var grains = client.Services.GetRequiredService<IClusterClient>();
    await ClientScript.PostAsync(grains, DateTime.UtcNow.ToString("yyyyMMddHHmmss"), Console.Out);
    await ClientScript.ShowAsync(grains, Console.Out);
    await client.StopAsync();
    return 0;
}

// Silo modes need Redis: the configured one, or one started here.
LocalRedis? localRedis = null;
var redis = options.Redis ?? Environment.GetEnvironmentVariable("FOLIO_REDIS");
if (string.IsNullOrEmpty(redis))
{
    var server = LocalRedis.FindServer();
    if (server is null)
    {
        Console.Error.WriteLine("No Redis: FOLIO_REDIS is not set, --redis was not given, and redis-server is not on PATH.");
        Console.Error.WriteLine("Install it (Debian/Ubuntu: apt-get install -y redis-server) or point FOLIO_REDIS at a Redis, e.g. FOLIO_REDIS=127.0.0.1:6379.");
        return 2;
    }
    localRedis = LocalRedis.Start(server);
    redis = localRedis.Configuration;
    Console.WriteLine($"Started redis-server on {redis} (data in {localRedis.Directory}, removed at exit).");
}
else
{
    using var probe = RedisPageStore.Connect(redis);
    if (!probe.IsConnected)
    {
        Console.Error.WriteLine($"Cannot reach Redis at '{redis}' (from {(options.Redis is null ? "FOLIO_REDIS" : "--redis")}). Start it, or unset FOLIO_REDIS to let the sample start its own redis-server.");
        return 2;
    }
    Console.WriteLine($"Using Redis at {redis}.");
}

try
{
    if (options.Mode == "silo")
    {
        var siloPort = options.SiloPort ?? 11111;
        var gatewayPort = options.GatewayPort ?? 30000;
        using var silo = LedgerHosting.BuildSilo(redis, siloPort, gatewayPort, options.PrimaryPort, logLevel);
        Console.WriteLine($"Silo on port {siloPort}, gateway {gatewayPort}{(options.PrimaryPort is { } p ? $", joining primary {p}" : ", primary")}. Ctrl+C stops it.");
        await silo.RunAsync();
        return 0;
    }
    await Demo.RunAsync(redis, localRedis is not null, logLevel, Console.Out);
    return 0;
}
finally
{
    localRedis?.Dispose();
}
