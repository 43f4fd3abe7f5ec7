using Folio;
using Folio.Redis;
using Folio.Storage;
using StackExchange.Redis;

namespace DurableGrains;

/// <summary>
/// Where accounts' ledgers live: one Redis connection per silo, and one Folio database per
/// account, named <c>ledger:&lt;account&gt;</c>. Its keys share the hash tag
/// <c>{folio:ledger:&lt;account&gt;}</c>, so each ledger sits in one Redis Cluster slot while the
/// ledgers of many accounts spread over the cluster.
/// </summary>
public class LedgerStorage
{
    /// <summary>Creates the storage over a Redis connection that stays the caller's.</summary>
    /// <param name="redis">The silo's Redis connection.</param>
    public LedgerStorage(IConnectionMultiplexer redis)
    {
        ArgumentNullException.ThrowIfNull(redis);
        Redis = redis;
    }

    /// <summary>The silo's Redis connection.</summary>
    public IConnectionMultiplexer Redis { get; }

    /// <summary>How ledger pages are written: null for plain pages, or a codec with compression and keys (see <see cref="LedgerCodec"/>).</summary>
    public PageCodec? Codec { get; init; }

    /// <summary>Pages each open ledger keeps decoded in memory (Folio's default is 2048). Default 256: 1 MiB at 4 KiB pages, a ledger of some twenty thousand postings.</summary>
    public int CachePages { get; init; } = 256;

    /// <summary>The Folio database holding <paramref name="account"/>'s ledger.</summary>
    /// <param name="account">The account (a grain key).</param>
    /// <exception cref="ArgumentException">The account name is empty or holds a brace or a control character, which a Redis hash tag cannot.</exception>
    public virtual string DatabaseName(string account)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (account.Length == 0 || account.Any(c => c is '{' or '}' || char.IsControl(c)))
        {
            throw new ArgumentException(
                $"Account '{account}' cannot name a ledger: account names must be non-empty, without braces or control characters (they become a Redis hash tag).",
                nameof(account));
        }
        return "ledger:" + account;
    }

    /// <summary>
    /// Opens the page store of <paramref name="database"/>, owned (one Redis round trip; creates it
    /// when missing, and claims it: any other owner's next commit fails).
    /// </summary>
    /// <param name="database">A name from <see cref="DatabaseName"/>.</param>
    public virtual IPageStore OpenStore(string database) =>
        RedisStoreFactory.Create(Redis, database, owned: true, LedgerDb.PageSize);

    /// <summary><see cref="OpenStore"/> with the round trip awaited: what an activation uses, so no thread waits on Redis.</summary>
    /// <param name="database">A name from <see cref="DatabaseName"/>.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    public virtual async Task<IPageStore> OpenStoreAsync(string database, CancellationToken cancellationToken) =>
        await RedisPageStore.OpenAsync(Redis, database, LedgerDb.PageSize, new RedisStoreOptions { Owned = true }, cancellationToken);

    /// <summary>
    /// Opens <paramref name="account"/>'s ledger owned, applying the schema when the ledger is new.
    /// The caller disposes it (the store goes with it).
    /// </summary>
    /// <param name="account">The account.</param>
    /// <param name="instance">What tells this opener apart from others in the same process, e.g. the activation.</param>
    public LedgerDb Open(string account, string instance) => LedgerDb.Open(OpenStore(DatabaseName(account)), Options(account, instance), ownsStore: true);

    /// <summary>
    /// <see cref="Open"/> for an activation: the schema is applied and the whole ledger loaded into
    /// the page cache with the store's work awaited (no thread waits on Redis), so the
    /// activation's reads never reach Redis.
    /// </summary>
    public async Task<LedgerDb> OpenAsync(string account, string instance, CancellationToken cancellationToken = default) =>
        await LedgerDb.OpenAsync(await OpenStoreAsync(DatabaseName(account), cancellationToken), Options(account, instance), ownsStore: true, warm: true, cancellationToken);

    private FolioOptions Options(string account, string instance)
    {
        var database = DatabaseName(account);
        // Within one process Folio shares locks and page cache between every opener of one
        // database. Several silos hosted in one process (as in tests) must behave as separate
        // processes, meeting only in Redis through the version check: each silo's storage is its
        // own process scope. Each opener also gets its own file name (an old activation may still
        // be closing when the next opens). The page cache (CachePages, 1 MiB by default) holds a
        // whole ledger of up to that size, loaded at activation; a larger one fetches what it
        // misses, asynchronously.
        return new FolioOptions { Name = $"{database}#{instance}", CachePages = CachePages, ProcessScope = this, Codec = Codec };
    }
}
