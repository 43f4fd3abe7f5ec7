using Folio.Storage;
using static Folio.Interop.SqliteConstants;

namespace Folio.Vfs;

/// <summary>
/// One call on the asynchronous path (see <c>Folio.Queries.AsyncPath</c>), as the VFS sees it
/// while SQLite runs the call's statements: the read start prepared before SQLite ran, the pages
/// fetched for it, the pages it found missing, and the commit it staged.
/// </summary>
/// <remarks>
/// It flows with the call's execution context, so the VFS callbacks of the statements the call
/// runs find it, and it applies only to the connections of the database it was made for.
/// </remarks>
internal sealed partial class AsyncCall : IDisposable
{
    private static readonly AsyncLocal<AsyncCall?> CurrentCall = new();

    // How many pages after a missing one the same batched read brings along: 32 at first, doubling
    // with every fetch of the call (to 4096), so a cold scan of n pages runs its statement about
    // log2(n) times rather than n / 32.
    private const int FirstReadAhead = 32;
    private const int MaxReadAhead = 4096;
    private int _readAhead = FirstReadAhead;

    private readonly SharedDatabase _shared;
    private readonly Dictionary<long, byte[]> _fetched = new();
    private readonly SortedSet<long> _missing = new();
    private IPageStoreReader? _reader;
    private PageCache? _cache;
    private StagedCommit? _staged;

    // The view holding this call's prepared reader, while it does (see Dispose).
    private IReaderBorrower? _borrower;

    // What missing pages are fetched with: the reader of the view that missed them (this call's
    // own, or the one of a transaction an earlier call began), and that reader's cache.
    private IPageStoreReader? _fetchReader;
    private PageCache? _fetchCache;


    public AsyncCall(object session, SharedDatabase shared)
    {
        Session = session;
        _shared = shared;
    }

    /// <summary>The call in this execution context, if any.</summary>
    public static AsyncCall? Current
    {
        get => CurrentCall.Value;
        set => CurrentCall.Value = value;
    }

    /// <summary>The database object (session) the call runs on.</summary>
    public object Session { get; }

    /// <summary>True when the VFS failed a read because a page was neither cached nor fetched.</summary>
    public bool HasMissingPages => _missing.Count > 0;

    /// <summary>The call of this execution context when it is for <paramref name="state"/>'s database.</summary>
    public static AsyncCall? For(DatabaseState state) => Current is { } call && call._shared.State == state ? call : null;

    // ---- before SQLite runs -----------------------------------------------------------------

    /// <summary>
    /// Awaits the read start (the store's asynchronous begin-read), once per attempt. Inside a
    /// transaction an earlier call began, the transaction's view may hold its own read already
    /// (then this one goes unused) or not yet (a deferred BEGIN takes its lock at the first read).
    /// </summary>
    public async ValueTask PrepareAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; _reader is null; attempt++)
        {
            if (_staged is null)
            {
                // Another connection's commit is on its way to the store: start after it, so a write
                // in this call begins on the version it makes (and does not lose to it).
                await _shared.Locks.WhenNoStagedCommit().WaitAsync(cancellationToken).ConfigureAwait(false);
                if (TryAssumeRead())
                {
                    return; // a write on the known head: its commit proves it (see AsyncCall.Assumed)
                }
            }
            try
            {
                (_reader, _cache) = await _shared.BeginReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not FolioException and not OperationCanceledException)
            {
                throw new FolioException(_shared.Name, SQLITE_IOERR, SQLITE_IOERR_READ, "the start of a read failed", null, null, e);
            }
            if (_reader.PageCount > 0 && !_cache.Contains(_reader.Version, 0))
            {
                // SQLite reads page 0 as every transaction starts, where a missing page cannot be
                // waited for gently (see VfsErrors): have it before SQLite runs. Redis sends it with
                // the read start when it changed, so this costs no round trip there. A store that
                // moved on meanwhile makes the fetch start over (the reader is dropped): read again.
                _ = Missing(0, _reader.PageCount, _reader, _cache);
                await FetchMissingAsync(cancellationToken).ConfigureAwait(false);
            }
            if (_reader is null && attempt >= MaxReadStarts)
            {
                throw new FolioException(_shared.Name, SQLITE_BUSY, SQLITE_BUSY,
                    $"{MaxReadStarts} read starts in a row found the first page overwritten before it could be read; the store is written faster than it can be read", null, null, null);
            }
        }
    }

    /// <summary>How many read starts <see cref="PrepareAsync"/> makes while the store keeps overwriting page 0 under it.</summary>
    private const int MaxReadStarts = 64;


    /// <summary>Drops the prepared read and what was fetched for it: the next attempt starts at the store's newest version.</summary>
    public void StartOver()
    {
        _reader?.Dispose();
        _reader = null;
        _cache = null;
        IsAssumed = false;
        _fetched.Clear();
        _missing.Clear();
    }

    // ---- inside SQLite: the VFS ---------------------------------------------------------------

    /// <summary>
    /// xLock(SHARED) takes the prepared read; the call keeps owning it. A second transaction in
    /// the same call after one that staged a commit must see that commit: it is completed first
    /// (synchronously: a body runs one transaction on the generated paths, so only hand-written
    /// bodies ever come here).
    /// </summary>
    public bool TryLendReader(out IPageStoreReader reader, out PageCache cache)
    {
        if (_staged is not null)
        {
            CompleteSynchronously();
            StartOver();
        }
        if (_reader is null)
        {
            (reader, cache) = (null!, null!);
            return false;
        }
        (reader, cache) = (_reader, _cache!);
        return true;
    }

    /// <summary>A view took the prepared reader.</summary>
    public void LentTo(IReaderBorrower view) => _borrower = view;

    /// <summary>The view gave the reader back (it ended its read).</summary>
    public void Returned(IReaderBorrower view)
    {
        if (ReferenceEquals(_borrower, view))
        {
            _borrower = null;
        }
    }

    /// <summary>The page count of the prepared read, if one was prepared (a connection opening asks it instead of the store).</summary>
    public long? PreparedPageCount => _reader?.PageCount;

    /// <summary>A page fetched by this call, decoded.</summary>
    public bool TryReadFetched(long page, Span<byte> destination)
    {
        if (!_fetched.TryGetValue(page, out var data))
        {
            return false;
        }
        data.CopyTo(destination);
        return true;
    }

    /// <summary>Records a page the VFS could not serve without waiting; returns the exception that fails the read.</summary>
    /// <param name="page">The page.</param>
    /// <param name="pageCount">The view's page count (read-ahead stays below it).</param>
    /// <param name="reader">The view's pinned reader, which the fetch reads with.</param>
    /// <param name="cache">The view's cache, which the fetch fills.</param>
    public Exception Missing(long page, long pageCount, IPageStoreReader reader, PageCache cache)
    {
        (_fetchReader, _fetchCache) = (reader, cache);
        _missing.Add(page);
        for (var next = page + 1; next < pageCount && next <= page + _readAhead; next++)
        {
            if (!_fetched.ContainsKey(next))
            {
                _missing.Add(next);
            }
        }
        return new PagesMissingException(_shared.Name, page);
    }

    /// <summary>SQLite's commit point: the batch waits here for <see cref="CompleteAsync"/>.</summary>
    public void Stage(StagedCommit staged)
    {
        if (_staged is not null)
        {
            CompleteSynchronously();
        }
        _staged = staged;
    }

    // ---- after SQLite returned ----------------------------------------------------------------

    /// <summary>Fetches the missing pages (and the read-ahead after them) in one batched, awaited read.</summary>
    public async ValueTask FetchMissingAsync(CancellationToken cancellationToken)
    {
        var reader = _fetchReader ?? _reader ?? throw new InvalidOperationException("No read was prepared.");
        var cache = _fetchCache ?? _cache!;
        var pages = _missing.Where(p => p < reader.PageCount && !_fetched.ContainsKey(p)).ToArray();
        _missing.Clear();
        _readAhead = Math.Min(_readAhead * 2, MaxReadAhead);
        if (pages.Length == 0)
        {
            return;
        }
        var pageSize = _shared.PageSize;
        var slot = _shared.Codec.MaxEncodedSize(pageSize);
        var buffer = new byte[slot * pages.Length];
        var lengths = new int[pages.Length];
        try
        {
            await reader.ReadPagesAsync(pages, buffer, slot, lengths, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreConflictException) when (_borrower is null && ReferenceEquals(reader, _reader))
        {
            // A shared store moved on and overwrote a page of this read's version: nothing of the
            // read is in use (SQLite ended its transaction), so take a new read start and run again.
            StartOver();
            return;
        }
        catch (StoreConflictException e)
        {
            throw new FolioException(_shared.Name, SQLITE_BUSY, SQLITE_BUSY,
                $"the read of {pages.Length} pages from page {pages[0]} found them overwritten by a newer version; run the transaction again", null, null, e);
        }
        catch (Exception e) when (e is not FolioException and not OperationCanceledException)
        {
            throw new FolioException(_shared.Name, SQLITE_IOERR, SQLITE_IOERR_READ, $"the read of {pages.Length} pages from page {pages[0]} failed", null, null, e);
        }
        var decoded = new byte[pages.Length][];
        var written = new long[pages.Length];
        for (var i = 0; i < pages.Length; i++)
        {
            decoded[i] = new byte[pageSize];
            written[i] = lengths[i] == 0 ? 0 : _shared.State.DecodeUnchecked(reader, pages[i], buffer.AsSpan(i * slot, lengths[i]), decoded[i]);
        }
        try
        {
            // The version map's nodes none of these pages carried are fetched with the same reader.
            await _shared.State.CheckPagesAsync(reader, pages, written, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreConflictException) when (_borrower is null && ReferenceEquals(reader, _reader))
        {
            StartOver();
            return;
        }
        for (var i = 0; i < pages.Length; i++)
        {
            _fetched[pages[i]] = decoded[i];
            cache.Add(reader.Version, pages[i], decoded[i]);
        }
        _shared.Statistics.OnPagesRead(pages.Length, lengths.Sum(l => (long)l));
    }

    /// <summary>
    /// The output gate: awaits the staged commit, if any. When the store refuses it, the process
    /// goes back to the last durable version and the call throws; a cancellation is honoured only
    /// before the batch was sent, and then nothing was applied.
    /// </summary>
    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        var staged = _staged;
        if (staged is null)
        {
            return;
        }
        _staged = null;
        long version;
        try
        {
            version = await staged.Store.CommitAsync(staged.Commit, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException e)
        {
            staged.Failed(e);
            throw new OperationCanceledException(
                $"Folio database '{_shared.Name}': the call was cancelled before its commit reached the store; nothing was applied, and the database is at its last durable version {staged.Commit.ExpectedVersion}.", e, cancellationToken);
        }
        catch (Exception e)
        {
            staged.Failed(e);
            throw Surface(e, staged.Commit);
        }
        staged.Applied(version);
        Confirmed();
    }

    /// <summary>Drops a staged commit without sending it (its statement is run again): the view and SQLite forget it.</summary>
    public void DiscardStaged()
    {
        var staged = _staged;
        _staged = null;
        staged?.Failed(null);
    }

    private void CompleteSynchronously()
    {
        var staged = _staged!;
        _staged = null;
        long version;
        try
        {
            version = staged.Store.Commit(staged.Commit);
        }
        catch (Exception e)
        {
            staged.Failed(e);
            throw;
        }
        staged.Applied(version);
        Confirmed();
    }

    /// <summary>The exception a refused commit surfaces as, the same a synchronous commit's would be.</summary>
    private FolioException Surface(Exception error, StoreCommit commit) => error switch
    {
        FolioException folio => folio,
        StoreConflictException => new FolioException(_shared.Name, SQLITE_BUSY, SQLITE_BUSY,
            $"the commit at version {commit.ExpectedVersion} lost to another writer", null, null, error),
        _ => new FolioException(_shared.Name, SQLITE_IOERR, SQLITE_IOERR_FSYNC,
            $"the commit at version {commit.ExpectedVersion} failed; the database is at its last durable version", null, null, error),
    };

    public void Dispose()
    {
        _staged?.Failed(new ObjectDisposedException(nameof(AsyncCall), "The call ended before its commit completed."));
        _staged = null;
        EndWriterTurn();
        if (_borrower is { } view)
        {
            // A transaction the call began goes on after it (BEGIN in one call, COMMIT in a later
            // one): the view keeps reading with the reader, and owns it from now on.
            view.AdoptReader();
            _borrower = null;
        }
        else
        {
            _reader?.Dispose();
        }
        _reader = null;
    }
}

/// <summary>A view that borrows a call's prepared reader (see <see cref="AsyncCall.Dispose"/>).</summary>
internal interface IReaderBorrower
{
    /// <summary>The lending call ended: the view owns the reader now and disposes it when its read ends.</summary>
    void AdoptReader();
}

/// <summary>A batch SQLite committed, waiting for the store; the callbacks finish the bookkeeping either way.</summary>
internal sealed class StagedCommit(IPageStore store, StoreCommit commit, Action<long> applied, Action<Exception?> failed)
{
    public IPageStore Store { get; } = store;

    public StoreCommit Commit { get; } = commit;

    public void Applied(long version) => applied(version);

    /// <summary>The store refused it (<paramref name="error"/>), or it was never sent (null: discarded).</summary>
    public void Failed(Exception? error) => failed(error);
}

/// <summary>
/// The marked failure of a VFS read on the asynchronous path: the page is neither in the page
/// cache nor fetched yet, and reading it would make a thread wait on the store. The call fetches
/// it and runs SQLite again; it never reaches the application.
/// </summary>
internal sealed class PagesMissingException(string database, long page)
    : Exception($"Folio database '{database}': page {page} is not in memory yet; the asynchronous call fetches it and runs the statement again.")
{
    /// <summary>The page that was missing.</summary>
    public long Page { get; } = page;
}
