using System.Globalization;
using Folio.Storage;
using StackExchange.Redis;

namespace Folio.Redis;

/// <summary>
/// Retained history (<see cref="IPageStoreHistory"/>): the commit script keeps the values it
/// replaces in per-page sorted sets and records every version (see <c>RedisKeys</c> for the keys
/// and <see cref="RedisScript.Commit"/> for the bounded collection). Every call here is one round
/// trip with StackExchange.Redis's synchronous API, like the store's other synchronous members.
/// </summary>
public sealed partial class RedisPageStore : IPageStoreHistory
{
    /// <inheritdoc />
    /// <remarks>This store's commits keep and collect by it (<see cref="RedisStoreOptions.History"/>).</remarks>
    public HistoryRetention Retention => Options.Retention;

    /// <inheritdoc />
    public StoreHistoryRange GetHistoryRange()
    {
        var fields = Run("read of the history range", write: false, () =>
        {
            CountRoundTrip();
            return _redis.HashGet(Keys.Meta, ["version", "id", "epoch", "oldest"]);
        });
        if (fields[0].IsNull)
        {
            throw DatabaseMissing();
        }
        var newest = (long)fields[0];
        var oldest = fields[3].IsNull ? newest : Math.Min((long)fields[3], newest);
        return new StoreHistoryRange(ParseLineage(fields[1], fields[2]), oldest, newest);
    }

    /// <inheritdoc />
    public IReadOnlyList<StoreVersion> GetVersions(long newest, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0)
        {
            return [];
        }
        var records = Run("read of the retained versions", write: false, () =>
        {
            CountRoundTrip();
            return _redis.SortedSetRangeByScore(Keys.Versions, double.NegativeInfinity, newest, Exclude.None, Order.Descending, 0, count);
        });
        return records.Select(r => ParseVersion(r)).Where(v => v.Version > 0).ToList();
    }

    /// <inheritdoc />
    public StoreVersion? FindVersionAt(DateTimeOffset time)
    {
        var record = Run("search of the version in force at " + time.ToString("O", CultureInfo.InvariantCulture), write: false,
            () => RedisScript.FindVersionAt.Evaluate(this, [Keys.Meta, Keys.Versions], [time.ToUnixTimeMilliseconds()]));
        return record.IsNull ? null : ParseVersion((RedisValue)record);
    }

    /// <inheritdoc />
    /// <remarks>
    /// One round trip returns the version's head (its page count from its record). Each later
    /// batch of page reads is one script that also checks the version is still retained: a read
    /// that outlives retention fails with <see cref="VersionNotRetainedException"/>, never with
    /// wrong data.
    /// </remarks>
    public IPageStoreReader BeginReadAt(long version)
    {
        var result = Run($"start of a read at version {version}", write: false,
            () => RedisScript.BeginReadAt.Evaluate(this, [Keys.Meta, Keys.Versions], [version]));
        if (result.IsNull)
        {
            throw DatabaseMissing();
        }
        var items = (RedisResult[])result!;
        var current = (long)items[1];
        var lineage = ParseLineage((RedisValue)items[3], (RedisValue)items[4]);
        if ((long)items[0] != 1)
        {
            throw new VersionNotRetainedException(Name, version, new StoreHistoryRange(lineage, (long)items[5], current));
        }
        return new RedisPageReader(this, lineage, version, (long)items[2], changed: null, past: true);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The values and bytes are running totals the commit script keeps in the metadata hash
    /// (<c>hvalues</c>, <c>hbytes</c>: each retained member is the 8-byte replacing version plus
    /// the stored value), so reading them costs no scan; the versions are the records in <c>ver</c>.
    /// </remarks>
    public StoreHistoryUsage GetUsage()
    {
        var result = Run("read of the history usage", write: false,
            () => RedisScript.HistoryUsage.Evaluate(this, [Keys.Meta, Keys.Versions], []));
        var items = (RedisResult[])result!;
        return new StoreHistoryUsage((long)items[0], (long)items[1], (long)items[2]);
    }

    /// <summary>Reads a record of <c>ver</c>: <c>version:committed-ms:page-count:pages:bytes</c>.</summary>
    private StoreVersion ParseVersion(RedisValue record)
    {
        var parts = ((string?)record ?? "").Split(':');
        if (parts.Length != 5 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var committed)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var pageCount)
            || !int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var pages)
            || !long.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var bytes))
        {
            throw new InvalidDataException($"Folio database '{Name}' in Redis has a malformed version record '{record}' in key {Keys.Versions}.");
        }
        return new StoreVersion(version, DateTimeOffset.FromUnixTimeMilliseconds(committed), pageCount, pages, bytes);
    }
}
