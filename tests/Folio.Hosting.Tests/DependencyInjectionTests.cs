using System.Collections.Concurrent;
using Folio;
using Folio.Redis;
using Folio.Storage;
using Folio.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NUnit.Framework;
using StackExchange.Redis;
using TodoApi;

namespace Folio.Hosting.Tests;

/// <summary>AddFolioDatabase and AddFolio in a real generic host.</summary>
public class DependencyInjectionTests
{
    private string _directory = "";

    [SetUp]
    public void CreateScratchDirectory() => _directory = Directory.CreateTempSubdirectory("folio-hosting-").FullName;

    [TearDown]
    public void DeleteScratchDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task OptionsBindFromConfigurationAndTheHostsLoggerIsUsed()
    {
        var logs = new CapturingLoggerProvider();
        using var host = await StartAsync(services => services.AddFolioDatabase<TodoDb>(Section(new()
        {
            ["Path"] = Path.Combine(_directory, "todo"),
            ["MaxConnections"] = "3",
            ["CachePages"] = "128",
        })), logs);

        var db = host.Services.GetRequiredService<TodoDb>();
        Assert.That(host.Services.GetRequiredService<TodoDb>(), Is.SameAs(db), "one object for the host");
        Assert.That(db.IsPooled, Is.True);
        Assert.That(db.Database.Options.MaxConnections, Is.EqualTo(3));
        Assert.That(db.Database.Options.CachePages, Is.EqualTo(128));
        Assert.That(db.Database.Store, Is.TypeOf<FilePageStore>());
        Assert.That(db.Database.Options.Logger, Is.Not.Null);
        Assert.That(logs.Messages, Has.Some.Contains("Opened TodoDb on file store at"), "opened when the host started, logged through the host");

        var added = await db.AddAsync("from DI", DateTimeOffset.UtcNow, default);
        Assert.That((await db.ListAsync(default)).Single(), Is.EqualTo(added));
    }

    [Test]
    public async Task TheObjectIsDisposedWithTheHostAndItsDataOutlivesIt()
    {
        var path = Path.Combine(_directory, "todo");
        TodoDb first;
        using (var host = await StartAsync(services => services.AddFolioDatabase<TodoDb>(o => o.UseFileStore(path))))
        {
            first = host.Services.GetRequiredService<TodoDb>();
            await first.AddAsync("kept", DateTimeOffset.UtcNow, default);
            await host.StopAsync();
        }
        await Assert.ThrowsAsync<ObjectDisposedException>(() => first.ListAsync(default));

        using var again = await StartAsync(services => services.AddFolioDatabase<TodoDb>(o => o.UseFileStore(path)));
        var titles = (await again.Services.GetRequiredService<TodoDb>().ListAsync(default)).Select(t => t.Title);
        Assert.That(titles, Is.EqualTo(new[] { "kept" }));
    }

    [Test]
    public async Task AHostWithNoStoreChosenFailsToStartNamingTheClass()
    {
        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(services => services.AddFolioDatabase<TodoDb>()));
        Assert.That(thrown!.Message, Does.StartWith("TodoDb: no store was chosen"));
    }

    [Test]
    public async Task TheHealthCheckReportsEachDatabasesStoreAndFailsWhenTheStoreDoes()
    {
        var store = new FaultInjectingPageStore(new MemoryPageStore("health-" + Guid.NewGuid().ToString("N"), TodoDb.PageSize));
        using var host = await StartAsync(services =>
        {
            services.AddFolioDatabase<TodoDb>(o => o.UseStore(_ => store, "a faulty memory store"));
            services.AddHealthChecks().AddFolio();
        });
        var health = host.Services.GetRequiredService<HealthCheckService>();
        await host.Services.GetRequiredService<TodoDb>().AddAsync("one", DateTimeOffset.UtcNow, default);

        var healthy = await health.CheckHealthAsync();
        Assert.That(healthy.Status, Is.EqualTo(HealthStatus.Healthy), healthy.Entries["folio"].Description);
        var data = healthy.Entries["folio"].Data;
        Assert.That(data["TodoDb.tables"], Is.EqualTo(1L));
        Assert.That(data["TodoDb.version"], Is.GreaterThanOrEqualTo(2L), "the migration and the insert committed");
        Assert.That(data["TodoDb.store"], Is.EqualTo(nameof(FaultInjectingPageStore)));
        Assert.That(data["TodoDb.commits"], Is.GreaterThanOrEqualTo(1L));

        store.FailOperation = store.Operations + 1; // the check's first store call
        var failing = await health.CheckHealthAsync();
        Assert.That(failing.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(failing.Entries["folio"].Description, Does.StartWith("TodoDb: "));
        Assert.That(failing.Entries["folio"].Exception, Is.Not.Null);
    }

    [Test]
    public async Task UseRedisKeepsTheDatabaseInRedisOnTheHostsConnection()
    {
        using var server = RedisServer.Start();
        var name = "hosting-" + Guid.NewGuid().ToString("N");
        void Configure(IServiceCollection services)
        {
            services.AddSingleton<IConnectionMultiplexer>(_ => RedisPageStore.Connect(server.Configuration));
            services.AddFolioDatabase<TodoDb>(o => o.UseRedis(name));
        }
        using (var host = await StartAsync(Configure))
        {
            var db = host.Services.GetRequiredService<TodoDb>();
            Assert.That(db.Database.Store, Is.TypeOf<RedisPageStore>());
            await db.AddAsync("in redis", DateTimeOffset.UtcNow, default);
        }
        using var other = await StartAsync(Configure);
        var titles = (await other.Services.GetRequiredService<TodoDb>().ListAsync(default)).Select(t => t.Title);
        Assert.That(titles, Is.EqualTo(new[] { "in redis" }));
    }

    private static IConfiguration Section(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static async Task<IHost> StartAsync(Action<IServiceCollection> configure, ILoggerProvider? logs = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }
        configure(builder.Services);
        var host = builder.Build();
        try
        {
            await host.StartAsync();
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Messages.Enqueue(formatter(state, exception));
        }
    }
}
