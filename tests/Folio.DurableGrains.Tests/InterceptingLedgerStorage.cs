using System.Collections.Concurrent;
using DurableGrains;
using Folio.Storage;
using StackExchange.Redis;

namespace Folio.DurableGrains.Tests;

/// <summary>
/// What a test changes in how grains reach their ledgers: accounts that share one database (two
/// grain ids standing for two activations of one account), and work to run just before a given
/// database's next commit reaches Redis (another writer getting there first).
/// </summary>
internal sealed class LedgerInterceptions
{
    /// <summary>Account → the account whose database it uses instead of its own.</summary>
    public ConcurrentDictionary<string, string> Aliases { get; } = new();

    /// <summary>Database → work to run once, before the next commit of any opener of it is sent.</summary>
    public ConcurrentDictionary<string, Action> BeforeNextCommit { get; } = new();
}

/// <summary>The sample's storage with <see cref="LedgerInterceptions"/> applied; registered in the test silos.</summary>
internal sealed class InterceptingLedgerStorage(IConnectionMultiplexer redis, LedgerInterceptions interceptions) : LedgerStorage(redis)
{
    public override string DatabaseName(string account) =>
        base.DatabaseName(interceptions.Aliases.TryGetValue(account, out var alias) ? alias : account);

    public override IPageStore OpenStore(string database) => new BeforeCommitStore(base.OpenStore(database), database, interceptions);

    public override async Task<IPageStore> OpenStoreAsync(string database, CancellationToken cancellationToken) =>
        new BeforeCommitStore(await base.OpenStoreAsync(database, cancellationToken), database, interceptions);

    /// <summary>Passes everything through, but first runs (on another thread, as another silo would) the work armed for this database.</summary>
    private sealed class BeforeCommitStore(IPageStore inner, string database, LedgerInterceptions interceptions) : IPageStore
    {
        public string Name => inner.Name;

        public int PageSize => inner.PageSize;

        public bool Owned => inner.Owned;

        public StoreHead GetHead() => inner.GetHead();

        public IPageStoreReader BeginRead(long knownVersion) => inner.BeginRead(knownVersion);

        public ValueTask<IPageStoreReader> BeginReadAsync(long knownVersion, CancellationToken cancellationToken = default) =>
            inner.BeginReadAsync(knownVersion, cancellationToken);

        public long Commit(StoreCommit commit)
        {
            if (interceptions.BeforeNextCommit.TryRemove(database, out var work))
            {
                Task.Run(work).GetAwaiter().GetResult();
            }
            return inner.Commit(commit);
        }

        public async ValueTask<long> CommitAsync(StoreCommit commit, CancellationToken cancellationToken = default)
        {
            if (interceptions.BeforeNextCommit.TryRemove(database, out var work))
            {
                await Task.Run(work, cancellationToken);
            }
            return await inner.CommitAsync(commit, cancellationToken);
        }

        public void Dispose() => inner.Dispose();
    }
}
