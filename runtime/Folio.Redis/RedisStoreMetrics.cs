using System.Diagnostics.Metrics;

namespace Folio.Redis;

/// <summary>
/// What Redis stores did in this process, published through the <c>Folio.Redis</c>
/// <see cref="Meter"/> and tagged with the database name (for OpenTelemetry and dotnet-counters).
/// </summary>
public static class RedisStoreMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Folio.Redis";

    private static readonly Meter Meter = new(MeterName, "1.0");

    internal static readonly Counter<long> RoundTrips = Meter.CreateCounter<long>("folio.redis.round_trips", "{round_trip}", "Commands sent to Redis, each one network round trip.");
    internal static readonly Counter<long> BytesWritten = Meter.CreateCounter<long>("folio.redis.bytes_written", "By", "Bytes of page values written to Redis (version header included).");
    internal static readonly Counter<long> BytesRead = Meter.CreateCounter<long>("folio.redis.bytes_read", "By", "Bytes of page values read from Redis (version header included).");
    internal static readonly Counter<long> PagesRead = Meter.CreateCounter<long>("folio.redis.pages_read", "{page}", "Page values read from Redis, read-ahead included.");
    internal static readonly Counter<long> Commits = Meter.CreateCounter<long>("folio.redis.commits", "{commit}", "Commits Redis applied.");
    internal static readonly Counter<long> Conflicts = Meter.CreateCounter<long>("folio.redis.conflicts", "{conflict}", "Commits or reads refused because another writer committed first.");
    internal static readonly Counter<long> Failures = Meter.CreateCounter<long>("folio.redis.failures", "{failure}", "Commands that failed because Redis could not be reached or did not answer in time.");
}
