namespace DurableGrains;

/// <summary>
/// A posting lost its commit to another writer of the same ledger: a second activation of the
/// account (after a silo was wrongly declared dead, say) committed first. Folio's version check
/// refused the stale commit, so nothing was applied and nothing was lost; the activation that saw
/// this deactivates, and retrying with the same operation id is safe.
/// </summary>
[GenerateSerializer]
public sealed class LedgerConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="account">The account.</param>
    /// <param name="operationId">The operation that was not applied.</param>
    /// <param name="detail">What Folio reported.</param>
    public LedgerConflictException(string account, string operationId, string detail)
        : base($"Account '{account}': operation '{operationId}' was not applied because another activation of this account committed to its ledger first ({detail}). This activation is deactivating; retry the operation with the same id.")
    {
        Account = account;
        OperationId = operationId;
    }

    /// <summary>For the serializer.</summary>
    public LedgerConflictException()
    {
    }

    /// <summary>The account.</summary>
    [Id(0)]
    public string Account { get; private set; } = "";

    /// <summary>The operation that was not applied.</summary>
    [Id(1)]
    public string OperationId { get; private set; } = "";
}

/// <summary>A posting would take the balance below zero; nothing was applied.</summary>
[GenerateSerializer]
public sealed class InsufficientFundsException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="account">The account.</param>
    /// <param name="operationId">The refused operation.</param>
    /// <param name="balance">The balance it met.</param>
    /// <param name="amount">The amount it asked for.</param>
    public InsufficientFundsException(string account, string operationId, long balance, long amount)
        : base($"Account '{account}': operation '{operationId}' of {amount} cents refused, the balance is {balance} cents.")
    {
        Account = account;
        OperationId = operationId;
        Balance = balance;
        Amount = amount;
    }

    /// <summary>For the serializer.</summary>
    public InsufficientFundsException()
    {
    }

    /// <summary>The account.</summary>
    [Id(0)]
    public string Account { get; private set; } = "";

    /// <summary>The refused operation.</summary>
    [Id(1)]
    public string OperationId { get; private set; } = "";

    /// <summary>The balance the operation met.</summary>
    [Id(2)]
    public long Balance { get; private set; }

    /// <summary>The amount the operation asked for.</summary>
    [Id(3)]
    public long Amount { get; private set; }
}

/// <summary>
/// The ledger could not be read or written (Redis down or too slow, the silo shutting down): the
/// operation was not applied, unless <see cref="Exception.Message"/> says a commit's answer was
/// lost, in which case retrying with the same operation id tells which.
/// </summary>
[GenerateSerializer]
public sealed class LedgerUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="account">The account.</param>
    /// <param name="detail">What Folio reported.</param>
    public LedgerUnavailableException(string account, string detail)
        : base($"Account '{account}': the ledger is unavailable ({detail}).")
    {
        Account = account;
    }

    /// <summary>For the serializer.</summary>
    public LedgerUnavailableException()
    {
    }

    /// <summary>The account.</summary>
    [Id(0)]
    public string Account { get; private set; } = "";
}
