using Folio;
using Microsoft.Extensions.Logging;

namespace DurableGrains;

/// <summary>
/// An account whose state is its own Folio database in Redis. Orleans runs one call at a time
/// per activation (no [Reentrant]), so each call is one SQLite transaction with no interleaving
/// inside the activation; Folio commits it to Redis as one atomic write, checked against the
/// version the transaction started from.
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

    /// <summary>Opens the account's ledger: one or two Redis round trips, once per activation.</summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        try
        {
            _ledger = _storage.Open(Account, Guid.NewGuid().ToString("N"));
        }
        catch (Exception e) when (e is FolioException or IOException)
        {
            // Redis unreachable, or the silo closing its connection: the call that activated the
            // account fails with an exception Orleans can send, and the next call tries again.
            throw new LedgerUnavailableException(Account, e.Message);
        }
        return Task.CompletedTask;
    }

    /// <summary>Closes the ledger; nothing is pending, since every call committed before it returned.</summary>
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
        return Run(operationId, ledger =>
        {
            // No retry here on purpose: in this activation nothing else writes, so SQLITE_BUSY means
            // another activation of the account wrote to the ledger. The caller should learn that.
            using var transaction = ledger.BeginTransaction();
            if (ledger.Find(operationId) is { } done)
            {
                return new PostingReceipt(operationId, done.Seq, done.BalanceAfter, Replayed: true);
            }
            var balance = ledger.Balance();
            if (balance + amount < 0)
            {
                throw new InsufficientFundsException(Account, operationId, balance, amount);
            }
            var seq = ledger.Append(operationId, amount, memo, balance + amount, DateTime.UtcNow);
            transaction.Commit();
            return new PostingReceipt(operationId, seq, balance + amount, Replayed: false);
        });
    }

    /// <inheritdoc />
    public Task<long> GetBalance() => Run(null, ledger => ledger.Balance());

    /// <inheritdoc />
    public Task<IReadOnlyList<LedgerEntry>> GetLatest(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return Run<IReadOnlyList<LedgerEntry>>(null, ledger => ledger.Latest(count));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> GetOperationIds() => Run<IReadOnlyList<string>>(null, ledger => ledger.OperationIds());

    /// <inheritdoc />
    public Task<AccountSnapshot> Describe() =>
        // One transaction, so balance, count and sum come from the same version; it writes nothing.
        Run(null, ledger => ledger.Transaction(l => new AccountSnapshot(Account, _storage.DatabaseName(Account), l.Balance(), l.Count(),
            l.SumOfAmounts(), RuntimeIdentity, l.Statistics.Commits, l.Statistics.Conflicts)));

    // Folio's exceptions stay in the silo: callers get the account's own, which Orleans can send.
    private Task<T> Run<T>(string? operationId, Func<LedgerDb, T> work)
    {
        try
        {
            return Task.FromResult(work(Ledger));
        }
        catch (FolioException e) when (e.IsBusy && operationId is not null)
        {
            // The stale side of a duplicate activation: its commit was refused, so nothing is lost.
            // Step aside so the next call finds the account through the directory afresh.
            _logger.LogWarning("Account {Account}: operation {OperationId} lost its commit to another activation; deactivating", Account, operationId);
            DeactivateOnIdle();
            throw new LedgerConflictException(Account, operationId, e.Message);
        }
        catch (FolioException e)
        {
            throw new LedgerUnavailableException(Account, e.InnerException is { } cause ? $"{e.Message} {cause.Message}" : e.Message);
        }
    }
}
