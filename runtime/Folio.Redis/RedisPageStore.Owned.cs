using Folio.Storage;

namespace Folio.Redis;

/// <summary>
/// Owned mode (<see cref="RedisStoreOptions.Owned"/>), the Durable Object model: opening claims
/// the database (its owner token goes into the metadata hash), and from then on this store is the
/// database's only writer. It keeps the head itself, so a read transaction starts with no round
/// trip and Folio's page cache, which nobody else can make stale, serves every page it holds. A
/// commit is one round trip, and its compare-and-set on identity, version and owner token is the
/// fence: if anyone else committed or claimed the database meanwhile, the commit writes nothing,
/// the store throws <see cref="OwnershipLostException"/>, and it refuses every later call, reads
/// included, until the database is opened again.
/// </summary>
public sealed partial class RedisPageStore
{
    private readonly string _ownerToken;
    private readonly Lock _ownedGate = new();
    private StoreHead _ownedHead;
    private OwnershipLostException? _ownershipLost;

    /// <inheritdoc />
    public bool Owned => Options.Owned;

    /// <summary>True when this store was opened owned and still owns the database.</summary>
    public bool OwnsDatabase => Options.Owned && Volatile.Read(ref _ownershipLost) is null;

    private void ClaimedHead(long version, long pageCount)
    {
        lock (_ownedGate)
        {
            _ownedHead = new StoreHead(version, pageCount, OpenedLineage);
        }
    }

    private StoreHead OwnedHead()
    {
        ThrowIfClosed();
        lock (_ownedGate)
        {
            return _ownedHead;
        }
    }

    private RedisPageReader OwnedReader(long knownVersion)
    {
        var head = OwnedHead();
        IReadOnlyCollection<long>? changed = knownVersion == head.Version ? Array.Empty<long>() : null;
        return new RedisPageReader(this, head.Lineage, head.Version, head.PageCount, changed);
    }

    private void OnOwnCommit(StoreCommit commit, long newVersion)
    {
        if (!Options.Owned)
        {
            return;
        }
        lock (_ownedGate)
        {
            _ownedHead = new StoreHead(newVersion, commit.NewPageCount, commit.ExpectedLineage);
        }
    }

    /// <summary>Marks the claim lost (every later call fails) and returns the exception to throw.</summary>
    internal OwnershipLostException LoseOwnership(long expectedVersion, long foundVersion, string detail)
    {
        var lost = new OwnershipLostException(Name, expectedVersion, foundVersion, detail);
        Interlocked.CompareExchange(ref _ownershipLost, lost, null);
        return lost;
    }

    private void ThrowIfOwnershipLost()
    {
        if (Volatile.Read(ref _ownershipLost) is { } lost)
        {
            throw new OwnershipLostException(Name, lost.ExpectedVersion, lost.FoundVersion, lost.Detail);
        }
    }
}
