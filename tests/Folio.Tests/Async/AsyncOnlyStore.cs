using Folio.Storage;

namespace Folio.Tests.Async;

/// <summary>
/// A store that proves the asynchronous path never waits on it synchronously: while
/// <see cref="SyncCallsForbidden"/> is set, every synchronous read start, page read and commit
/// throws, and the asynchronous twins really yield (they complete later, on another thread).
/// Faults and pauses can be injected into the asynchronous calls.
/// </summary>
public sealed class AsyncOnlyStore(IPageStore inner) : IPageStore
{
    public IPageStore Inner => inner;

    /// <summary>Refuse the synchronous members (set while the code under test runs on the async path).</summary>
    public bool SyncCallsForbidden { get; set; }

    /// <summary>Fail the next asynchronous commit with this exception (before anything reaches the inner store).</summary>
    public Exception? FailNextCommit { get; set; }

    /// <summary>When set, asynchronous page reads wait for it (cancellation ends the wait).</summary>
    public TaskCompletionSource? ReadGate { get; set; }

    /// <summary>When set, asynchronous commits wait for it before sending (cancellation ends the wait: nothing applied).</summary>
    public TaskCompletionSource? CommitGate { get; set; }

    public int AsyncBeginReads { get; private set; }

    public int AsyncPageReads { get; private set; }

    public int AsyncCommits { get; private set; }

    public string Name => inner.Name;

    public int PageSize => inner.PageSize;

    public StoreHead GetHead() => inner.GetHead();

    public IPageStoreReader BeginRead(long knownVersion)
    {
        Refuse("BeginRead");
        return new Reader(this, inner.BeginRead(knownVersion));
    }

    public long Commit(StoreCommit commit)
    {
        Refuse("Commit");
        return inner.Commit(commit);
    }

    public async ValueTask<IPageStoreReader> BeginReadAsync(long knownVersion, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        AsyncBeginReads++;
        return new Reader(this, inner.BeginRead(knownVersion));
    }

    public async ValueTask<long> CommitAsync(StoreCommit commit, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        if (CommitGate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }
        cancellationToken.ThrowIfCancellationRequested();
        if (FailNextCommit is { } failure)
        {
            FailNextCommit = null;
            throw failure;
        }
        AsyncCommits++;
        return inner.Commit(commit);
    }

    public void Dispose() => inner.Dispose();

    private void Refuse(string member)
    {
        if (SyncCallsForbidden)
        {
            throw new InvalidOperationException($"{member} was called synchronously on the asynchronous path.");
        }
    }

    private sealed class Reader(AsyncOnlyStore owner, IPageStoreReader inner) : IPageStoreReader
    {
        public StoreLineage Lineage => inner.Lineage;

        public long Version => inner.Version;

        public long PageCount => inner.PageCount;

        public IReadOnlyCollection<long>? ChangedPagesSinceKnown => inner.ChangedPagesSinceKnown;

        public int ReadPage(long pageNumber, Span<byte> destination)
        {
            owner.Refuse("ReadPage");
            return inner.ReadPage(pageNumber, destination);
        }

        public void ReadPages(ReadOnlySpan<long> pageNumbers, Span<byte> destination, int slotSize, Span<int> lengths)
        {
            owner.Refuse("ReadPages");
            inner.ReadPages(pageNumbers, destination, slotSize, lengths);
        }

        public async ValueTask ReadPagesAsync(ReadOnlyMemory<long> pageNumbers, Memory<byte> destination, int slotSize, Memory<int> lengths, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            if (owner.ReadGate is { } gate)
            {
                await gate.Task.WaitAsync(cancellationToken);
            }
            owner.AsyncPageReads++;
            inner.ReadPages(pageNumbers.Span, destination.Span, slotSize, lengths.Span);
        }

        public void Dispose() => inner.Dispose();
    }
}
