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
/// name and opened owned: the account's grain is its only writer, so its page cache is the
/// database (reads cost no round trip, a posting one) and the commit's compare-and-set is the
/// fence. A second writer (a duplicate activation) makes the first one's next commit fail with
/// <see cref="OwnershipLostException"/> instead of overwriting. The grain calls the async
/// methods; the sync twins serve tests and tools.
/// </summary>
[PagedDatabase(PageSize = 4096)]
[RedisStorage(Owned = true)]
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

    /// <summary><see cref="Find"/>, asynchronously.</summary>
    [Query("SELECT seq, operation_id, amount, memo, balance_after, posted_at FROM entry WHERE operation_id = $operationId")]
    public partial Task<LedgerEntry?> FindAsync(string operationId, CancellationToken cancellationToken = default);

    /// <summary><see cref="Balance"/>, asynchronously.</summary>
    [Query("SELECT coalesce((SELECT balance_after FROM entry ORDER BY seq DESC LIMIT 1), 0)")]
    public partial Task<long> BalanceAsync(CancellationToken cancellationToken = default);

    /// <summary><see cref="Append"/>, asynchronously: it completes once the posting is durable in Redis.</summary>
    [Query("""
        INSERT INTO entry(operation_id, amount, memo, balance_after, posted_at)
        VALUES ($operationId, $amount, $memo, $balanceAfter, $postedAt)
        RETURNING seq
        """)]
    public partial Task<long> AppendAsync(string operationId, long amount, string memo, long balanceAfter, DateTime postedAt, CancellationToken cancellationToken = default);

    /// <summary><see cref="Latest"/>, asynchronously.</summary>
    [Query("SELECT seq, operation_id, amount, memo, balance_after, posted_at FROM entry ORDER BY seq DESC LIMIT $count")]
    public partial Task<List<LedgerEntry>> LatestAsync(long count, CancellationToken cancellationToken = default);

    /// <summary><see cref="OperationIds"/>, asynchronously.</summary>
    [Query("SELECT operation_id FROM entry ORDER BY seq")]
    public partial Task<List<string>> OperationIdsAsync(CancellationToken cancellationToken = default);

    /// <summary><see cref="Count"/>, asynchronously.</summary>
    [Query("SELECT count(*) FROM entry")]
    public partial Task<long> CountAsync(CancellationToken cancellationToken = default);

    /// <summary><see cref="SumOfAmounts"/>, asynchronously.</summary>
    [Query("SELECT coalesce(sum(amount), 0) FROM entry")]
    public partial Task<long> SumOfAmountsAsync(CancellationToken cancellationToken = default);
}
