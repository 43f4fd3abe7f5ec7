using System.Buffers;
using Folio.Storage;
using Microsoft.Extensions.Logging;

namespace Folio.Vfs;

/// <summary>
/// The one place that decides when a connection's buffered transaction is published to the
/// store, and the transaction's state (<see cref="TransactionState"/>).
/// </summary>
/// <remarks>
/// <para>SQLite drives a write transaction on the main file like this (traced, SQLite 3.53):</para>
/// <code>
/// xLock(SHARED)  read @24  xLock(RESERVED)  xLock(EXCLUSIVE)  xWrite…  FCNTL_SYNC  xSync  FCNTL_COMMIT_PHASETWO  xUnlock(SHARED)  xUnlock(NONE)
/// </code>
/// <para>FCNTL_SYNC arrives whatever <c>synchronous</c> is, and only when SQLite commits, or ends
/// a rollback that played a journal back (the originals written back; they equal the view, so
/// nothing is published). It is the commit point; the xSync after it finds nothing left to do.</para>
/// <para>Everything else that ends a transaction (a ROLLBACK with <c>journal_mode=OFF</c>, the
/// automatic rollback after an I/O error, a connection closed mid-transaction) drops the write
/// lock without a commit point, with whatever SQLite spilled still in the buffer: that buffer is
/// half a transaction, and it is discarded, never published.</para>
/// </remarks>
internal sealed partial class CommitPolicy<TStore, TPageSize>(SharedDatabase db, StoreView<TStore, TPageSize> view, TransactionBuffer<TStore, TPageSize> buffer)
    where TStore : class, IPageStore
    where TPageSize : struct, IPageSize
{
    private readonly TStore _store = (TStore)db.Store;

    // A commit's batch and its pooled buffers, reused by the next: the store copies what it
    // keeps before Commit returns, and the asynchronous path stages copies of its own.
    private readonly List<StorePage> _batch = [];
    private readonly List<byte[]> _rented = [];
    private readonly List<KeyValuePair<long, byte[]>> _changed = [];

    // Set in state Failed: why the commit failed, and whether SQLite wrote since (a rollback
    // writes the originals back; a retried COMMIT writes nothing).
    private Exception? _failure;
    private bool _writtenSinceFailure;

    public TransactionState State { get; private set; }

    // ---- the transaction's life -------------------------------------------------------------

    /// <summary>xLock(SHARED), or a read outside any lock: pins the store's version.</summary>
    public void Begin()
    {
        view.Begin();
        Reset(TransactionState.Reading);
    }

    /// <summary>xWrite and xTruncate record here after changing the buffer.</summary>
    public void Changed(bool written)
    {
        if (State == TransactionState.Failed)
        {
            _writtenSinceFailure |= written;
        }
        else if (!buffer.IsEmpty)
        {
            State = TransactionState.Writing;
        }
    }

    /// <summary>
    /// SQLITE_FCNTL_SYNC or xSync on the main file: the commit point. Publishes the buffer once;
    /// a conflict (<see cref="StoreConflictException"/>, SQLITE_BUSY for the caller) or any other
    /// failure leaves the store untouched and the state <see cref="TransactionState.Failed"/>.
    /// </summary>
    public void Sync()
    {
        switch (State)
        {
            case TransactionState.Writing:
                Publish();
                return;
            case TransactionState.Failed:
                SyncAfterFailure();
                return;
            default:
                return; // nothing buffered: the xSync after FCNTL_SYNC, or a read transaction's
        }
    }

    /// <summary>
    /// xUnlock below RESERVED. A transaction that reached no commit point is abandoned: SQLite
    /// rolled it back without playing a journal back, or gave up on it, and it is dropped.
    /// </summary>
    public void WriteLockReleased()
    {
        if (State == TransactionState.Writing)
        {
            db.Logger.LogDebug("Folio database '{Database}': a transaction at version {Version} ended without a commit point; its buffered pages are discarded", db.Name, view.Version);
        }
        Reset(TransactionState.Reading);
    }

    /// <summary>xUnlock(NONE) or xClose: whatever is still buffered is dropped with the view.</summary>
    public void End()
    {
        view.End();
        Reset(TransactionState.None);
    }

    /// <summary>Drops the buffer (the connection sees its view again) and any failure.</summary>
    private void Reset(TransactionState next)
    {
        buffer.Discard();
        _failure = null;
        _writtenSinceFailure = false;
        State = next;
    }

    /// <summary>
    /// A sync after a failed commit in the same write lock: a rollback that wrote the original
    /// pages back (they match the view: nothing to commit) succeeds; anything else, a retried
    /// COMMIT above all, fails again as the first attempt did, or it would report success for a
    /// transaction the store never saw.
    /// </summary>
    private void SyncAfterFailure()
    {
        if (_writtenSinceFailure && buffer.MatchesView())
        {
            Reset(TransactionState.Reading);
            return;
        }
        throw _failure switch
        {
            StoreConflictException => new StoreConflictException(db.Name,
                $"Folio database '{db.Name}': this transaction already lost its commit to another writer; roll it back and retry it."),
            _ => new IOException($"Folio database '{db.Name}': an earlier commit of this transaction failed ({_failure!.Message}); roll it back and retry it.", _failure),
        };
    }

    // ---- publishing -------------------------------------------------------------------------

    /// <summary>
    /// Hands the buffer to the store as one batch, with the view's version as the expected one.
    /// Pages equal to the view's are left out; a transaction left with nothing to store (a
    /// ROLLBACK that spilled, or only the header's change counter moved) publishes nothing.
    /// </summary>
    private void Publish()
    {
        var pageSize = view.PageSize;
        var newPageCount = buffer.CommitPageCount();
        var pages = buffer.Pages(newPageCount);
        var (batch, rented, changed) = (_batch, _rented, _changed);
        batch.Clear();
        changed.Clear();
        long bytes = 0;
        long newVersion;
        MapCommitPlan? plan = null;
        try
        {
            foreach (var page in pages)
            {
                if (!view.Matches(page.Key, page.Value))
                {
                    changed.Add(page);
                }
            }
            if (newPageCount == view.PageCount && (changed.Count == 0 || (changed.Count == 1 && changed[0].Key == 0 && buffer.OnlyChangeCounterMoved())))
            {
                Reset(TransactionState.Committed);
                return;
            }
            if (db.State.Map is { } map)
            {
                plan = PlanMap(map, pages, changed, newPageCount);
            }
            foreach (var (page, data) in changed)
            {
                // Encoded values live only until the store's Commit returns (the contract says a
                // store copies what it keeps), so they come from the shared pool.
                var encoded = ArrayPool<byte>.Shared.Rent(db.Codec.MaxEncodedSize(pageSize));
                rented.Add(encoded);
                var address = new PageAddress(view.Lineage.DatabaseId, page, view.Version + 1);
                var length = plan is null ? db.Codec.Encode(address, data, encoded) : db.Codec.Encode(address, data, plan.SectionOf(page), encoded);
                batch.Add(new StorePage(page, encoded.AsMemory(0, length)));
                bytes += length;
            }
            buffer.CheckHeaderPageSize(db.Name);
            if (view.Call is { } call)
            {
                Stage(call, newPageCount, pages, batch, bytes, plan);
                return;
            }
            newVersion = PublishBatch(newPageCount, batch);
        }
        catch (Exception e)
        {
            Fail(e);
            throw;
        }
        finally
        {
            foreach (var encoded in rented)
            {
                ArrayPool<byte>.Shared.Return(encoded);
            }
            rented.Clear();
        }
        Published(newVersion, newPageCount, pages, batch, bytes, plan);
    }

    /// <summary>The one call that changes the store: an atomic, version-checked batch.</summary>
    private long PublishBatch(long newPageCount, List<StorePage> batch) =>
        _store.Commit(new StoreCommit(view.Lineage, view.Version, newPageCount, batch));

    /// <summary>
    /// The asynchronous path's commit point: SQLite hears success now, and the batch waits in the
    /// call for the store's asynchronous commit (the output gate). The connection's own view
    /// shows the commit at once (the database object runs nothing else until it is durable); the
    /// shared cache and the statistics take it only once the store applied it, and a refusal
    /// retracts it from the view and makes SQLite drop its cache.
    /// </summary>
    private void Stage(AsyncCall call, long newPageCount, List<KeyValuePair<long, byte[]>> pages, List<StorePage> batch, long bytes, MapCommitPlan? plan)
    {
        // The batch and the pages outlive this callback: copies, not the pooled or recycled buffers.
        var owned = batch.Select(p => new StorePage(p.Number, p.Data.ToArray())).ToList();
        var kept = pages.Select(p => new KeyValuePair<long, byte[]>(p.Key, (byte[])p.Value.Clone())).ToList();
        var commit = new StoreCommit(view.Lineage, view.Version, newPageCount, owned);
        var (lineage, oldVersion, oldPageCount, cache) = (view.Lineage, view.Version, view.PageCount, view.Cache);
        var gate = new object();
        db.Locks.HoldForStagedCommit(gate); // this connection still holds EXCLUSIVE: no writer slips in between
        call.Stage(new StagedCommit(_store, commit,
            applied: version =>
            {
                try
                {
                    Record(lineage, oldVersion, version, oldPageCount, newPageCount, kept, owned, bytes, cache, plan);
                }
                finally
                {
                    db.Locks.ReleaseStagedCommit(gate);
                }
            },
            failed: error =>
            {
                try
                {
                    if (error is not null)
                    {
                        Account(error);
                    }
                    view.Retract();
                }
                finally
                {
                    db.Locks.ReleaseStagedCommit(gate);
                }
            }));
        buffer.HandOver(newPageCount);
        view.Advance(view.Version + 1, newPageCount, pages);
        State = TransactionState.Committed;
    }

    /// <summary>
    /// The store applied the commit: the caller hears success whatever follows. The view moves
    /// first (plain memory); bookkeeping that fails (a statistics listener, the cache) is
    /// logged, and a cache that could not take the commit is emptied so it never serves stale pages.
    /// </summary>
    private void Published(long newVersion, long newPageCount, List<KeyValuePair<long, byte[]>> pages, List<StorePage> written, long bytes, MapCommitPlan? plan)
    {
        var (lineage, oldVersion, oldPageCount, cache) = (view.Lineage, view.Version, view.PageCount, view.Cache);
        buffer.HandOver(newPageCount);
        view.Advance(newVersion, newPageCount, pages);
        State = TransactionState.Committed;
        AssumedStart.OnPublished(db.State);
        Record(lineage, oldVersion, newVersion, oldPageCount, newPageCount, pages, written, bytes, cache, plan);
    }

    /// <summary>The bookkeeping of an applied commit, which never changes its outcome.</summary>
    private void Record(StoreLineage lineage, long oldVersion, long newVersion, long oldPageCount, long newPageCount,
        List<KeyValuePair<long, byte[]>> pages, List<StorePage> written, long bytes, PageCache cache, MapCommitPlan? plan)
    {
        db.State.OnCommitted(lineage, newVersion, newPageCount);
        if (plan is not null && db.State.Map is { } map)
        {
            Bookkeep((map, plan, newVersion), static s =>
            {
                if (s.newVersion != s.plan.Version)
                {
                    throw new InvalidOperationException($"the store made version {s.newVersion} of a commit planned as {s.plan.Version}");
                }
                s.map.Apply(s.plan);
            }, "the version map", onFailure: static s => s.map.Clear());
        }
        if (db.Codec is not ChecksumPageCodec && db.State.Map is not { Required: true })
        {
            // Only the pages' numbers are read: the encoded buffers may be back in the pool.
            Bookkeep((Versions: db.State.Versions, written, newVersion), static s => s.Versions.OnWritten(s.written, s.newVersion), "the pages' write versions",
                onFailure: static s => s.Versions.Clear());
        }

        Bookkeep((db.Statistics, written.Count, bytes), static s => s.Statistics.OnCommitted(s.Count, s.bytes), "its statistics");
        Bookkeep((cache, oldVersion, newVersion, oldPageCount, newPageCount, pages),
            static s => s.cache.ApplyCommit(s.oldVersion, s.newVersion, s.oldPageCount, s.newPageCount, s.pages), "the page cache",
            onFailure: static s => s.cache.Clear());
    }

    /// <summary>Runs bookkeeping whose failure must not change a commit's outcome: it is logged, then <paramref name="onFailure"/> runs.</summary>
    /// <remarks>The steps are static lambdas over a value-tuple state: a commit allocates no closures for its bookkeeping.</remarks>
    private void Bookkeep<T>(T state, Action<T> step, string what, Action<T>? onFailure = null)
    {
        try
        {
            step(state);
        }
        catch (Exception e)
        {
            try
            {
                db.Logger.LogWarning(e, "Folio database '{Database}': version {Version} is committed, but updating {What} failed", db.Name, view.Version, what);
            }
            catch (Exception)
            {
                // A logger that throws cannot be told; the commit stands either way.
            }
            if (onFailure is not null)
            {
                Bookkeep(state, onFailure, what + " (clearing it)");
            }
        }
    }

    /// <summary>A commit that failed before the store applied it: the store is untouched and the buffer is dropped.</summary>
    private void Fail(Exception e)
    {
        Account(e);
        Reset(TransactionState.Failed);
        _failure = e;
    }

    /// <summary>Counts and logs a refused commit, and lets the database state learn of a history change.</summary>
    private void Account(Exception e)
    {
        if (e is HistoryChangedException history)
        {
            db.State.OnHistoryChanged(history);
        }
        else if (e is PagesMissingException)
        {
            // The asynchronous call fetches what the commit lacked and runs the statement again.
        }
        else if (e is StoreConflictException)
        {
            db.Statistics.OnConflict();
            db.Logger.LogDebug("Folio database '{Database}': commit at version {Version} lost to another writer", db.Name, view.Version);
        }
        else
        {
            db.Statistics.OnCommitFailed();
            db.Logger.LogWarning(e, "Folio database '{Database}': commit at version {Version} failed; the store keeps its previous version", db.Name, view.Version);
        }
    }
}
