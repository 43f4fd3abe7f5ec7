using Folio;
using Folio.Redis;

namespace DurableGrains;

/// <summary>One line of an account's ledger.</summary>
/// <param name="Seq">The line's position in the ledger, from 1.</param>
/// <param name="OperationId">The caller's id for the operation; a repeated id is answered from the ledger, not applied twice.</param>
/// <param name="Amount">Money in (positive) or out (negative), in cents.</param>
/// <param name="Memo">What the caller said the operation was.</param>
/// <param name="BalanceAfter">The balance once this line was applied.</param>
/// <param name="PostedAt">When the line was committed (UTC).</param>
[GenerateSerializer, Immutable]
public sealed record LedgerEntry(long Seq, string OperationId, long Amount, string Memo, long BalanceAfter, DateTime PostedAt);

/// <summary>
/// The ledger of one account: a SQLite database of its own, kept in Redis under the account's
/// name. The account's grain is the only writer in normal operation; Folio's version check makes
/// any second writer (a duplicate activation) fail at commit instead of overwriting.
/// </summary>
[PagedDatabase(PageSize = 4096)]
[RedisStorage]
[Migration(1, """
    CREATE TABLE entry(
        seq           INTEGER PRIMARY KEY,
        operation_id  TEXT    NOT NULL UNIQUE,
        amount        INTEGER NOT NULL,
        memo          TEXT    NOT NULL,
        balance_after INTEGER NOT NULL,
        posted_at     TEXT    NOT NULL)
    """)]
public partial class LedgerDb
{
    /// <summary>The line an operation id produced, or null when it was never applied.</summary>
    [Query("SELECT seq, operation_id, amount, memo, balance_after, posted_at FROM entry WHERE operation_id = $operationId")]
    public partial LedgerEntry? Find(string operationId);

    /// <summary>The balance after the last line (0 for an empty ledger).</summary>
    [Query("SELECT coalesce((SELECT balance_after FROM entry ORDER BY seq DESC LIMIT 1), 0)")]
    public partial long Balance();

    /// <summary>Appends a line and returns its position.</summary>
    [Query("""
        INSERT INTO entry(operation_id, amount, memo, balance_after, posted_at)
        VALUES ($operationId, $amount, $memo, $balanceAfter, $postedAt)
        RETURNING seq
        """)]
    public partial long Append(string operationId, long amount, string memo, long balanceAfter, DateTime postedAt);

    /// <summary>The last <paramref name="count"/> lines, newest first.</summary>
    [Query("SELECT seq, operation_id, amount, memo, balance_after, posted_at FROM entry ORDER BY seq DESC LIMIT $count")]
    public partial List<LedgerEntry> Latest(long count);

    /// <summary>Every operation id, in ledger order.</summary>
    [Query("SELECT operation_id FROM entry ORDER BY seq")]
    public partial List<string> OperationIds();

    /// <summary>How many lines the ledger has.</summary>
    [Query("SELECT count(*) FROM entry")]
    public partial long Count();

    /// <summary>The sum of every line, which must equal <see cref="Balance"/>.</summary>
    [Query("SELECT coalesce(sum(amount), 0) FROM entry")]
    public partial long SumOfAmounts();
}
