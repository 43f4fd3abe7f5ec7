using Folio;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers generated Folio database classes with a host's services.</summary>
public static class FolioServiceCollectionExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TDb"/> as a singleton: one pooled, thread-safe object (see
    /// <see cref="FolioDatabaseOptions.MaxConnections"/>) for every request, opened when the host
    /// starts, logging through the host's <see cref="ILoggerFactory"/>, and disposed with the host
    /// (its store with it).
    /// </summary>
    /// <typeparam name="TDb">The generated database class.</typeparam>
    /// <param name="services">The host's services.</param>
    /// <param name="configure">Chooses the store and sets the options, e.g. <c>o =&gt; o.UseFileStore("data/todo")</c>.</param>
    /// <example>
    /// <code>
    /// builder.Services.AddFolioDatabase&lt;TodoDb&gt;(o =&gt; o.UseFileStore("data/todo"));
    /// app.MapGet("/todos", (TodoDb db) =&gt; db.ListAsync());
    /// </code>
    /// </example>
    public static IServiceCollection AddFolioDatabase<TDb>(this IServiceCollection services, Action<FolioDatabaseOptions>? configure = null)
        where TDb : class, IFolioDatabase<TDb>
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddOptions<FolioDatabaseOptions>(OptionsName<TDb>());
        if (configure is not null)
        {
            builder.Configure(configure);
        }
        return Register<TDb>(services);
    }

    /// <summary>
    /// As <see cref="AddFolioDatabase{TDb}(IServiceCollection, Action{FolioDatabaseOptions}?)"/>,
    /// binding the options from <paramref name="configuration"/> first (keys <c>Path</c>,
    /// <c>InMemory</c>, <c>MaxConnections</c>, <c>CachePages</c>, <c>BusyTimeout</c>, <c>Name</c>),
    /// then applying <paramref name="configure"/>.
    /// </summary>
    /// <typeparam name="TDb">The generated database class.</typeparam>
    /// <param name="services">The host's services.</param>
    /// <param name="configuration">The database's section, e.g. <c>builder.Configuration.GetSection("Folio:TodoDb")</c>.</param>
    /// <param name="configure">Applied after the binding: a store chosen in code wins over the configured path.</param>
    public static IServiceCollection AddFolioDatabase<TDb>(this IServiceCollection services, IConfiguration configuration, Action<FolioDatabaseOptions>? configure = null)
        where TDb : class, IFolioDatabase<TDb>
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = services.AddOptions<FolioDatabaseOptions>(OptionsName<TDb>()).Bind(configuration);
        if (configure is not null)
        {
            builder.Configure(configure);
        }
        return Register<TDb>(services);
    }

    /// <summary>The name of <typeparamref name="TDb"/>'s options (<c>IOptionsMonitor&lt;FolioDatabaseOptions&gt;.Get(name)</c>).</summary>
    public static string OptionsName<TDb>() => typeof(TDb).FullName ?? typeof(TDb).Name;

    private static IServiceCollection Register<TDb>(IServiceCollection services)
        where TDb : class, IFolioDatabase<TDb>
    {
        services.TryAddSingleton(Open<TDb>);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<FolioDatabaseRegistration, FolioDatabaseRegistration<TDb>>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, FolioDatabaseStartup<TDb>>());
        return services;
    }

    private static TDb Open<TDb>(IServiceProvider services)
        where TDb : class, IFolioDatabase<TDb>
    {
        var settings = services.GetRequiredService<IOptionsMonitor<FolioDatabaseOptions>>().Get(OptionsName<TDb>());
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger("Folio." + typeof(TDb).Name);
        var options = settings.ToFolioOptions(logger);
        var store = settings.CreateStore(services, TDb.PageSize, typeof(TDb).Name);
        var db = TDb.Open(store, options, ownsStore: true); // disposes the store itself when the open fails
        logger?.LogInformation("Opened {Database} on {Store} ({Connections} connections at most)", typeof(TDb).Name, settings.StoreDescription, options.MaxConnections);
        return db;
    }
}

/// <summary>Opens a registered database when the host starts, so a bad store or migration stops the host instead of the first request.</summary>
internal sealed class FolioDatabaseStartup<TDb>(IServiceProvider services) : IHostedService
    where TDb : class, IFolioDatabase<TDb>
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = services.GetRequiredService<TDb>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
