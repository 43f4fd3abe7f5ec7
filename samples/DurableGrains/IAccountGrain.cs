namespace DurableGrains;

/// <summary>
/// An account: a uniquely addressed, single-threaded object (its key is the account's name) whose
/// state is its own SQLite database. Calls to one account run one at a time, in one activation,
/// on whichever silo Orleans placed it.
/// </summary>
public interface IAccountGrain : IGrainWithStringKey
{
    /// <summary>
    /// Applies <paramref name="amount"/> (in cents; negative to take money out) once per
    /// <paramref name="operationId"/>: a repeated id returns the first receipt with
    /// <see cref="PostingReceipt.Replayed"/> set, so a caller can retry safely after a failure.
    /// </summary>
    /// <exception cref="InsufficientFundsException">The balance would go below zero; nothing was applied.</exception>
    /// <exception cref="LedgerConflictException">Another activation of this account committed first; nothing was applied.</exception>
    Task<PostingReceipt> Post(string operationId, long amount, string memo);

    /// <summary>The current balance, in cents.</summary>
    Task<long> GetBalance();

    /// <summary>The last <paramref name="count"/> ledger lines, newest first.</summary>
    Task<IReadOnlyList<LedgerEntry>> GetLatest(int count);

    /// <summary>Every applied operation id, in ledger order.</summary>
    Task<IReadOnlyList<string>> GetOperationIds();

    /// <summary>The account's totals and where its activation runs.</summary>
    Task<AccountSnapshot> Describe();
}

/// <summary>What <see cref="IAccountGrain.Post"/> did.</summary>
/// <param name="OperationId">The operation.</param>
/// <param name="Seq">Its line in the ledger.</param>
/// <param name="BalanceAfter">The balance once it was applied.</param>
/// <param name="Replayed">True when the operation had been applied by an earlier call and this one changed nothing.</param>
[GenerateSerializer, Immutable]
public sealed record PostingReceipt(string OperationId, long Seq, long BalanceAfter, bool Replayed);

/// <summary>An account's totals and where it runs.</summary>
/// <param name="Account">The account (the grain's key).</param>
/// <param name="Database">The Folio database (and Redis hash tag) holding its ledger.</param>
/// <param name="Balance">The balance after the last line.</param>
/// <param name="Entries">How many lines the ledger has.</param>
/// <param name="SumOfAmounts">The sum of all lines: equal to <paramref name="Balance"/> in a consistent ledger.</param>
/// <param name="Silo">The silo running this activation.</param>
/// <param name="Commits">Commits this activation made to the store.</param>
/// <param name="Conflicts">Commits this activation lost to another writer.</param>
[GenerateSerializer, Immutable]
public sealed record AccountSnapshot(string Account, string Database, long Balance, long Entries, long SumOfAmounts, string Silo, long Commits, long Conflicts);
