using Folio;
using Microsoft.Extensions.Logging;

namespace DurableGrains;

/// <summary>
/// An account whose state is its own Folio database in Redis, opened owned: a Durable Object.
/// Orleans runs one call at a time per activation (no [Reentrant]): its input gate. Each call is
/// one SQLite transaction on the ledger's async methods; its reads come from memory, and it
/// completes only once Folio has its commit durable in Redis: the output gate. No thread waits on
/// Redis meanwhile.
/// </summary>
public sealed class AccountGrain : Grain, IAccountGrain
{
    private readonly LedgerStorage _storage;
    private readonly ILogger<AccountGrain> _logger;
    private LedgerDb? _ledger;

    /// <summary>Creates the grain (Orleans does, with the silo's services).</summary>
    public AccountGrain(LedgerStorage storage, ILogger<AccountGrain> logger)
    {
        _storage = storage;
        _logger = logger;
    }

    private string Account => this.GetPrimaryKeyString();

    private LedgerDb Ledger => _ledger ?? throw new InvalidOperationException($"Account '{Account}': the ledger is not open (the activation is not active).");

    /// <summary>
    /// Opens the account's ledger owned and loads it into memory: a few Redis round trips, awaited,
    /// once per activation. From then on reads cost no round trip and a posting one.
    /// </summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        try
        {
            _ledger = await _storage.OpenAsync(Account, Guid.NewGuid().ToString("N"), cancellationToken);
        }
        catch (Exception e) when (e is FolioException or IOException)
        {
            // Redis unreachable, or the silo closing its connection: the call that activated the
            // account fails with an exception Orleans can send, and the next call tries again.
            throw new LedgerUnavailableException(Account, e.Message);
        }
    }

    /// <summary>Closes the ledger; nothing is pending, since every call's commit was durable before it returned.</summary>
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _ledger?.Dispose();
        _ledger = null;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<PostingReceipt> Post(string operationId, long amount, string memo)
    {
        ArgumentException.ThrowIfNullOrEmpty(operationId);
        ArgumentNullException.ThrowIfNull(memo);
        // One SQLite transaction. Its reads come from memory; the call completes only once its
        // commit is durable in Redis (Folio's output gate), so the receipt never runs ahead of it.
        return Run(operationId, ledger => ledger.TransactionAsync(async (l, ct) =>
        {
            if (await l.FindAsync(operationId, ct) is { } done)
            {
                return new PostingReceipt(operationId, done.Seq, done.BalanceAfter, Replayed: true);
            }
            var balance = await l.BalanceAsync(ct);
            if (balance + amount < 0)
            {
                throw new InsufficientFundsException(Account, operationId, balance, amount);
            }
            var seq = await l.AppendAsync(operationId, amount, memo, balance + amount, DateTime.UtcNow, ct);
            return new PostingReceipt(operationId, seq, balance + amount, Replayed: false);
        }));
    }

    /// <inheritdoc />
    public Task<long> GetBalance() => Run(null, ledger => ledger.BalanceAsync());

    /// <inheritdoc />
    public Task<IReadOnlyList<LedgerEntry>> GetLatest(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return Run<IReadOnlyList<LedgerEntry>>(null, async ledger => await ledger.LatestAsync(count));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> GetOperationIds() => Run<IReadOnlyList<string>>(null, async ledger => await ledger.OperationIdsAsync());

    /// <inheritdoc />
    public Task<AccountSnapshot> Describe() =>
        // One transaction, so balance, count and sum come from the same version; it writes nothing.
        Run(null, ledger => ledger.TransactionAsync(async (l, ct) => new AccountSnapshot(Account, _storage.DatabaseName(Account),
            await l.BalanceAsync(ct), await l.CountAsync(ct), await l.SumOfAmountsAsync(ct), RuntimeIdentity, l.Statistics.Commits, l.Statistics.Conflicts)));

    // Folio's exceptions stay in the silo: callers get the account's own, which Orleans can send.
    private async Task<T> Run<T>(string? operationId, Func<LedgerDb, Task<T>> work)
    {
        try
        {
            return await work(Ledger);
        }
        catch (OwnershipLostException e)
        {
            // Another activation of the account claimed the ledger and wrote to it: this one's commit
            // was refused, so nothing is lost, and its ledger now refuses every call. Step aside so
            // the next call finds the account through the directory afresh.
            _logger.LogWarning("Account {Account}: another activation owns the ledger now; deactivating ({Message})", Account, e.Message);
            DeactivateOnIdle();
            if (operationId is null)
            {
                throw new LedgerUnavailableException(Account, e.Message);
            }
            throw new LedgerConflictException(Account, operationId, e.Message);
        }
        catch (FolioException e) when (e.IsBusy && operationId is not null)
        {
            _logger.LogWarning("Account {Account}: operation {OperationId} lost its commit to another writer; deactivating", Account, operationId);
            DeactivateOnIdle();
            throw new LedgerConflictException(Account, operationId, e.Message);
        }
        catch (FolioException e)
        {
            throw new LedgerUnavailableException(Account, e.InnerException is { } cause ? $"{e.Message} {cause.Message}" : e.Message);
        }
    }
}
