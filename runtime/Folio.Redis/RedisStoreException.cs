using StackExchange.Redis;

namespace Folio.Redis;

/// <summary>
/// Redis could not be reached or did not answer in time, or a commit was not confirmed by the
/// replicas <see cref="RedisStoreOptions.WaitForReplicas"/> asks for. Folio reports it to SQLite as
/// SQLITE_IOERR and keeps this exception as the <see cref="FolioException"/>'s inner exception;
/// the database works again as soon as Redis answers.
/// </summary>
public sealed class RedisStoreUnavailableException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="database">The Folio database.</param>
    /// <param name="operation">What the store was doing, e.g. "commit at version 12".</param>
    /// <param name="mayHaveBeenApplied">Whether a write may have reached Redis before the failure.</param>
    /// <param name="inner">The StackExchange.Redis exception.</param>
    public RedisStoreUnavailableException(string database, string operation, bool mayHaveBeenApplied, Exception inner)
        : base(Compose(database, operation, mayHaveBeenApplied, inner), inner)
    {
        Database = database;
        Operation = operation;
        MayHaveBeenApplied = mayHaveBeenApplied;
    }

    /// <summary>
    /// Creates the exception for a commit that Redis applied on the master but that fewer than
    /// <paramref name="required"/> replicas confirmed (<see cref="RedisStoreOptions.WaitForReplicas"/>).
    /// </summary>
    /// <param name="database">The Folio database.</param>
    /// <param name="operation">The commit, e.g. "commit at version 12".</param>
    /// <param name="newVersion">The version the commit made on the master.</param>
    /// <param name="required">The replicas the commit had to reach.</param>
    /// <param name="confirmed">The replicas that confirmed it.</param>
    /// <param name="timeout">How long the commit waited.</param>
    public RedisStoreUnavailableException(string database, string operation, long newVersion, int required, long confirmed, TimeSpan timeout)
        : base($"Folio database '{database}': the {operation} was applied on the Redis master (version {newVersion}) but not confirmed by " +
               $"{required} replica{(required == 1 ? "" : "s")} within {timeout.TotalMilliseconds:0} ms ({confirmed} confirmed), so a failover may still lose it: " +
               "start a new transaction to see the current state")
    {
        Database = database;
        Operation = operation;
        MayHaveBeenApplied = true;
        RequiredReplicas = required;
        ConfirmedReplicas = confirmed;
    }

    /// <summary>The Folio database.</summary>
    public string Database { get; }

    /// <summary>For a commit not confirmed by enough replicas: how many it had to reach (<see cref="RedisStoreOptions.WaitForReplicas"/>); 0 otherwise.</summary>
    public int RequiredReplicas { get; }

    /// <summary>For a commit not confirmed by enough replicas: how many confirmed it; 0 otherwise.</summary>
    public long ConfirmedReplicas { get; }

    /// <summary>What the store was doing.</summary>
    public string Operation { get; }

    /// <summary>
    /// True only for a commit whose command had been sent when the connection failed or timed out:
    /// Redis may have applied it (the answer was lost), and for a commit applied on the master but
    /// not confirmed by enough replicas (<see cref="RequiredReplicas"/> above 0), which a failover
    /// may lose. A new transaction sees which. False when nothing was written.
    /// </summary>
    public bool MayHaveBeenApplied { get; }

    /// <summary>
    /// True when <paramref name="error"/> is a StackExchange.Redis failure to reach Redis or to hear back in time.
    /// </summary>
    internal static bool IsOutage(Exception error) => error is RedisConnectionException or RedisTimeoutException;

    /// <summary>True when the failed command had certainly not left this process.</summary>
    internal static bool WasNeverSent(Exception error)
    {
        var status = error switch
        {
            RedisTimeoutException t => t.Commandstatus,
            RedisConnectionException c => c.CommandStatus,
            _ => CommandStatus.Unknown,
        };
        return status is CommandStatus.WaitingToBeSent or CommandStatus.WaitingInBacklog;
    }

    private static string Compose(string database, string operation, bool mayHaveBeenApplied, Exception inner)
    {
        var what = inner is RedisTimeoutException ? "Redis did not answer in time" : "Redis could not be reached";
        var outcome = mayHaveBeenApplied
            ? "the commit was sent but its answer was lost, so it may or may not have been applied: start a new transaction to see the current state"
            : "nothing was changed";
        return $"Folio database '{database}': {what} during {operation}; {outcome}. Cause: {inner.Message}";
    }
}
