using Folio.Storage;
using StackExchange.Redis;

namespace Folio.Redis;

public sealed partial class RedisPageStore
{
    /// <inheritdoc />
    /// <remarks>
    /// One round trip in shared mode. An owned store answers from its own head with none: its
    /// claim means no one else writes, and its commit's compare-and-set proves it.
    /// </remarks>
    public IPageStoreReader BeginRead(long knownVersion)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(knownVersion);
        if (Options.Owned)
        {
            return OwnedReader(knownVersion);
        }
        var result = Run("start of a read", write: false, () => RedisScript.BeginRead.Evaluate(this, BeginReadKeys(), [knownVersion]));
        return ReaderFrom(result, knownVersion);
    }

    /// <inheritdoc />
    public async ValueTask<IPageStoreReader> BeginReadAsync(long knownVersion, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(knownVersion);
        cancellationToken.ThrowIfCancellationRequested();
        if (Options.Owned)
        {
            return OwnedReader(knownVersion);
        }
        var result = await RunAsync("start of a read", write: false,
            () => RedisScript.BeginRead.EvaluateAsync(this, BeginReadKeys(), [knownVersion])).ConfigureAwait(false);
        return ReaderFrom(result, knownVersion);
    }

    /// <inheritdoc />
    /// <remarks>
    /// No round trip: a shared-mode reader is a version, a page count and a lineage, and every
    /// page it fetches comes with the page's own write version, so a page rewritten after
    /// <paramref name="assumed"/> is recognised as it is for any reader the store moved past.
    /// An owned store starts its reads with no round trip anyway and answers null.
    /// </remarks>
    public IPageStoreReader? TryBeginReadAssuming(StoreHead assumed)
    {
        ThrowIfClosed();
        if (Options.Owned || assumed.Lineage.IsEmpty || assumed.Version <= 0 || assumed.PageCount < 0)
        {
            return null;
        }
        return new RedisPageReader(this, assumed.Lineage, assumed.Version, assumed.PageCount, Array.Empty<long>());
    }

    private RedisKey[] BeginReadKeys() => [Keys.Meta, Keys.Log, Keys.Page(0)];

    /// <summary>Turns the begin-read script's answer into a reader (see <see cref="RedisScript.BeginRead"/>).</summary>
    private RedisPageReader ReaderFrom(RedisResult result, long knownVersion)
    {
        if (result.IsNull)
        {
            throw DatabaseMissing();
        }
        var items = (RedisResult[])result!;
        var version = (long)items[0];
        var pageCount = (long)items[1];
        var lineage = ParseLineage((RedisValue)items[2], (RedisValue)items[3]);
        HashSet<long>? changed = null;
        if ((long)items[4] == 1)
        {
            changed = [];
            if (!ChangeLog.TryCollect(items.Skip(6).Select(e => (string)e!), knownVersion, changed))
            {
                changed = null;
            }
        }
        var reader = new RedisPageReader(this, lineage, version, pageCount, changed);
        if (version != knownVersion)
        {
            reader.Prefetched(0, items[5]);
        }
        return reader;
    }
}
