using StackExchange.Redis;

namespace Folio.Redis;

/// <summary>
/// Synchronous replication (<see cref="RedisStoreOptions.WaitForReplicas"/>): the commit script and
/// Redis's <c>WAIT n timeout</c> are handed to the connection one after the other without waiting
/// in between, so they travel in one round trip; <c>WAIT</c> goes to the master of the database's
/// hash slot, the server that ran the script, and answers how many replicas have every write this
/// connection made before it, the commit included.
/// </summary>
public sealed partial class RedisPageStore
{
    /// <summary>The commit script followed by WAIT; returns the script's answer and the replicas that confirmed.</summary>
    private (RedisResult Result, long Confirmed) CommitThenWait(RedisKey[] keys, RedisValue[] values)
    {
        var (script, wait) = SendCommitAndWait(keys, values, full: false);
        RedisResult result;
        try
        {
            result = script.GetAwaiter().GetResult();
        }
        catch (RedisServerException e) when (RedisScript.IsNoScript(e))
        {
            (script, wait) = SendCommitAndWait(keys, values, full: true);
            result = script.GetAwaiter().GetResult();
        }
        return (result, (long)wait.GetAwaiter().GetResult());
    }

    /// <summary>The asynchronous twin of <see cref="CommitThenWait"/>.</summary>
    private async Task<(RedisResult Result, long Confirmed)> CommitThenWaitAsync(RedisKey[] keys, RedisValue[] values)
    {
        var (script, wait) = SendCommitAndWait(keys, values, full: false);
        RedisResult result;
        try
        {
            result = await script.ConfigureAwait(false);
        }
        catch (RedisServerException e) when (RedisScript.IsNoScript(e))
        {
            (script, wait) = SendCommitAndWait(keys, values, full: true);
            result = await script.ConfigureAwait(false);
        }
        return (result, (long)await wait.ConfigureAwait(false));
    }

    private (Task<RedisResult> Script, Task<RedisResult> Wait) SendCommitAndWait(RedisKey[] keys, RedisValue[] values, bool full)
    {
        IServer master;
        try
        {
            master = Connection.GetServer(Keys.Meta);
        }
        catch (InvalidOperationException e)
        {
            // No connection to the database's master right now (Redis down or reconnecting), so nothing
            // was sent; StackExchange.Redis says so with an InvalidOperationException, which Run would not
            // recognise as an outage. Said as the outage it is, the commit fails as certainly not applied.
            throw new RedisConnectionException(ConnectionFailureType.UnableToResolvePhysicalConnection, CommandFlags.None, e.Message, e, CommandStatus.WaitingToBeSent);
        }
        var script = RedisScript.Commit.Send(this, keys, values, full);
        var wait = master.ExecuteAsync("WAIT", Options.WaitForReplicas, (long)Options.ReplicaWaitTimeout.TotalMilliseconds);
        // When the script fails, its WAIT's answer is not read: observe it so it is never an unobserved fault.
        _ = wait.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        return (script, wait);
    }

    /// <summary>Throws when the commit Redis applied (as <paramref name="newVersion"/>) was not confirmed by enough replicas.</summary>
    private void CheckReplicated(long newVersion, long? confirmed, string operation)
    {
        if (confirmed is { } count && count < Options.WaitForReplicas)
        {
            Interlocked.Increment(ref _failures);
            RedisStoreMetrics.Failures.Add(1, _tag);
            throw new RedisStoreUnavailableException(Name, operation, newVersion, Options.WaitForReplicas, count, Options.ReplicaWaitTimeout);
        }
    }
}
