using Folio;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>A database class registered with <c>AddFolioDatabase</c>, as the health check sees it.</summary>
public abstract class FolioDatabaseRegistration
{
    /// <summary>The database class.</summary>
    public abstract Type DatabaseType { get; }

    /// <summary>The registered object's attached database.</summary>
    public abstract FolioDatabase Resolve(IServiceProvider services);
}

internal sealed class FolioDatabaseRegistration<TDb> : FolioDatabaseRegistration
    where TDb : class, IFolioDatabase<TDb>
{
    public override Type DatabaseType => typeof(TDb);

    public override FolioDatabase Resolve(IServiceProvider services) => services.GetRequiredService<TDb>().Database;
}

/// <summary>Adds Folio's health check.</summary>
public static class FolioHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a check of every database registered with <c>AddFolioDatabase</c>: each runs a read
    /// transaction through SQLite and asks its store for its head, and the report carries each
    /// database's store, version, page count and counters.
    /// </summary>
    /// <param name="builder">The host's health checks.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="failureStatus">What a failing database reports; <see cref="HealthStatus.Unhealthy"/> by default.</param>
    /// <param name="tags">The check's tags.</param>
    public static IHealthChecksBuilder AddFolio(this IHealthChecksBuilder builder, string name = "folio", HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(name, services => new FolioHealthCheck(services), failureStatus, tags));
    }
}

/// <summary>Runs a read transaction on each registered database and reports what its store says.</summary>
internal sealed class FolioHealthCheck(IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var registrations = services.GetServices<FolioDatabaseRegistration>().ToList();
        if (registrations.Count == 0)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "No Folio database is registered (AddFolioDatabase<TDb>).");
        }
        var data = new Dictionary<string, object>();
        foreach (var registration in registrations)
        {
            var prefix = registration.DatabaseType.Name;
            try
            {
                var database = registration.Resolve(services);
                using (var connection = database.OpenConnection())
                {
                    data[$"{prefix}.tables"] = await connection.ExecuteScalarAsync("SELECT count(*) FROM sqlite_schema WHERE type = 'table'", cancellationToken).ConfigureAwait(false) ?? 0L;
                }
                using (var reader = await database.Store.BeginReadAsync(0, cancellationToken).ConfigureAwait(false))
                {
                    data[$"{prefix}.version"] = reader.Version;
                    data[$"{prefix}.pages"] = reader.PageCount;
                    data[$"{prefix}.identity"] = reader.Lineage.DatabaseId.ToString("D");
                }
                var statistics = database.Statistics;
                data[$"{prefix}.name"] = database.Name;
                data[$"{prefix}.store"] = database.Store.GetType().Name;
                data[$"{prefix}.owned"] = database.Store.Owned;
                data[$"{prefix}.commits"] = statistics.Commits;
                data[$"{prefix}.conflicts"] = statistics.Conflicts;
                data[$"{prefix}.failedCommits"] = statistics.FailedCommits;
                data[$"{prefix}.cacheHits"] = statistics.CacheHits;
                data[$"{prefix}.pagesRead"] = statistics.PagesRead;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return new HealthCheckResult(context.Registration.FailureStatus, $"{prefix}: {e.Message}", e, data);
            }
        }
        return HealthCheckResult.Healthy($"{registrations.Count} Folio database(s) answered a read transaction.", data);
    }
}
