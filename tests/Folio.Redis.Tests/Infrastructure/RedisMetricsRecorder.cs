using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Folio.Redis.Tests.Infrastructure;

/// <summary>Listens to the <c>Folio.Redis</c> meter and adds up each instrument per database.</summary>
internal sealed class RedisMetricsRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Instrument, string Database), long> _totals = new();

    public RedisMetricsRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == RedisStoreMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "folio.database" && tag.Value is string database)
                {
                    _totals.AddOrUpdate((instrument.Name, database), value, (_, total) => total + value);
                }
            }
        });
        _listener.Start();
    }

    /// <summary>The total of <paramref name="instrument"/> recorded for <paramref name="database"/> since this recorder started.</summary>
    public long Total(string instrument, string database) => _totals.GetValueOrDefault((instrument, database));

    public void Dispose() => _listener.Dispose();
}
