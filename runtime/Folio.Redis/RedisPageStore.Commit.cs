using System.Buffers.Binary;
using Folio.Storage;
using StackExchange.Redis;

namespace Folio.Redis;

public sealed partial class RedisPageStore
{
    /// <inheritdoc />
    public long Commit(StoreCommit commit)
    {
        var (keys, values, bytes) = CommitArguments(commit);
        var operation = $"commit at version {commit.ExpectedVersion}";
        if (Options.WaitForReplicas > 0)
        {
            var (replicated, confirmed) = Run(operation, write: true, () => CommitThenWait(keys, values));
            return CommitOutcome(commit, replicated, bytes, confirmed);
        }
        var result = Run(operation, write: true, () => RedisScript.Commit.Evaluate(this, keys, values));
        return CommitOutcome(commit, result, bytes);
    }

    /// <inheritdoc />
    /// <remarks>
    /// One EVALSHA with StackExchange.Redis's async API: no thread waits for Redis. Cancellation is
    /// honoured until the command is handed to the connection; after that the call completes with
    /// Redis's answer, so the caller always learns whether the commit was applied.
    /// </remarks>
    public async ValueTask<long> CommitAsync(StoreCommit commit, CancellationToken cancellationToken = default)
    {
        var (keys, values, bytes) = CommitArguments(commit);
        cancellationToken.ThrowIfCancellationRequested();
        var operation = $"commit at version {commit.ExpectedVersion}";
        if (Options.WaitForReplicas > 0)
        {
            var (replicated, confirmed) = await RunAsync(operation, write: true, () => CommitThenWaitAsync(keys, values)).ConfigureAwait(false);
            return CommitOutcome(commit, replicated, bytes, confirmed);
        }
        var result = await RunAsync(operation, write: true, () => RedisScript.Commit.EvaluateAsync(this, keys, values)).ConfigureAwait(false);
        return CommitOutcome(commit, result, bytes);
    }

    /// <summary>The commit script's keys and arguments (see <see cref="RedisScript.Commit"/>), checked before anything is sent.</summary>
    private (RedisKey[] Keys, RedisValue[] Values, long Bytes) CommitArguments(StoreCommit commit)
    {
        ArgumentNullException.ThrowIfNull(commit);
        ThrowIfOwnershipLost();
        var newVersion = commit.ExpectedVersion + 1;
        var pages = commit.Pages;
        var keys = new RedisKey[KeysBeforePages + pages.Count];
        var values = new RedisValue[ValuesBeforePages + pages.Count];
        var numbers = new long[pages.Count];
        long bytes = 0;
        keys[0] = Keys.Meta;
        keys[1] = Keys.Log;
        keys[2] = Keys.Versions;
        keys[3] = Keys.HistoryIndex;
        for (var i = 0; i < pages.Count; i++)
        {
            var page = pages[i];
            if (page.Number < 0 || page.Number >= commit.NewPageCount || (i > 0 && page.Number <= numbers[i - 1]))
            {
                throw new ArgumentException(
                    $"Folio database '{Name}': page {page.Number} cannot be committed: pages must be ascending, distinct and below the new page count {commit.NewPageCount}.",
                    nameof(commit));
            }
            numbers[i] = page.Number;
            var value = new byte[ValueHeaderSize + page.Data.Length];
            BinaryPrimitives.WriteInt64LittleEndian(value, newVersion);
            page.Data.Span.CopyTo(value.AsSpan(ValueHeaderSize));
            keys[KeysBeforePages + i] = Keys.Page(page.Number);
            values[ValuesBeforePages + i] = value;
            bytes += value.Length;
        }
        values[0] = commit.ExpectedVersion;
        values[1] = commit.NewPageCount;
        values[2] = Options.ChangeLogLength;
        values[3] = Keys.PagePrefix;
        values[4] = ChangeLog.Encode(numbers);
        values[5] = commit.ExpectedLineage.DatabaseId.ToString("N");
        values[6] = commit.ExpectedLineage.Epoch;
        values[7] = _ownerToken;
        var retention = Retention;
        values[8] = retention.Versions;
        values[9] = retention.MaxAge is { } age ? (long)Math.Min(age.TotalMilliseconds, long.MaxValue / 2) : 0;
        values[10] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var stamp = new byte[ValueHeaderSize];
        BinaryPrimitives.WriteInt64LittleEndian(stamp, newVersion);
        values[11] = stamp;
        values[12] = Keys.HistoryPrefix;
        values[13] = bytes;
        return (keys, values, bytes);
    }

    private const int KeysBeforePages = 4;

    private const int ValuesBeforePages = 14;

    /// <summary>
    /// What the commit script answered, as the contract says it. <paramref name="confirmed"/> is what
    /// WAIT answered when <see cref="RedisStoreOptions.WaitForReplicas"/> is on: an applied commit too
    /// few replicas confirmed is counted as applied (the master has it) and then reported as not confirmed.
    /// </summary>
    private long CommitOutcome(StoreCommit commit, RedisResult result, long bytes, long? confirmed = null)
    {
        var items = (RedisResult[])result!;
        switch ((long)items[0])
        {
            case 1:
                var newVersion = (long)items[1];
                Interlocked.Increment(ref _commits);
                Interlocked.Add(ref _bytesWritten, bytes);
                RedisStoreMetrics.Commits.Add(1, _tag);
                RedisStoreMetrics.BytesWritten.Add(bytes, _tag);
                OnOwnCommit(commit, newVersion);
                CheckReplicated(newVersion, confirmed, $"commit at version {commit.ExpectedVersion}");
                return newVersion;
            case 0:
                OnConflict();
                if (Options.Owned)
                {
                    throw LoseOwnership(commit.ExpectedVersion, (long)items[1], "another writer committed after this process claimed the database");
                }
                throw new StoreConflictException(Name, commit.ExpectedVersion, (long)items[1]);
            case -2:
                throw new HistoryChangedException(Name, commit.ExpectedLineage, commit.ExpectedVersion,
                    ParseLineage((RedisValue)items[2], (RedisValue)items[3]), (long)items[1], "the commit was built on another history of the database");
            case -3:
                OnConflict();
                throw LoseOwnership(commit.ExpectedVersion, (long)items[1], "another process opened it owned and claimed it");
            default:
                throw DatabaseMissing(commit.ExpectedLineage, commit.ExpectedVersion);
        }
    }
}
