namespace Folio.Storage;

/// <summary>
/// A key-value store that holds one SQLite database as numbered pages.
/// </summary>
/// <remarks>
/// <para>
/// The contract is deliberately small. A store keeps, for one database: the page size (fixed when
/// the database is created), the page count, a version that grows by one with every commit, and
/// the bytes of each page. Page numbers are zero-based (page <c>n</c> holds bytes
/// <c>n * PageSize</c> to <c>(n + 1) * PageSize - 1</c> of the SQLite file).
/// </para>
/// <para>
/// The values a store holds are opaque to it: Folio encodes every page (a header with a checksum,
/// then the page; or compressed, or encrypted: see <see cref="IPageCodec"/>) before it reaches the
/// store, and decodes and verifies it after a read.
/// </para>
/// <para>
/// <b>Identity and lineage.</b> A version number alone does not name a state: a store can lose
/// its history (a Redis failover to an empty or lagging replica, a restored backup, a replaced
/// file) and count up to the same numbers again. So every database has a
/// <see cref="StoreLineage"/>: a random 128-bit identity created with the database, and an epoch
/// the store bumps whenever it rewrites history on purpose (a restore). A store must:
/// </para>
/// <list type="bullet">
/// <item>create the identity when it creates the database, keep it with the data (so losing the
/// data loses the identity too), and never reuse or change it;</item>
/// <item>report the lineage with every head (<see cref="GetHead"/>) and every read
/// (<see cref="IPageStoreReader.Lineage"/>), read atomically with the version;</item>
/// <item>apply a commit only when both <see cref="StoreCommit.ExpectedLineage"/> and
/// <see cref="StoreCommit.ExpectedVersion"/> match, throwing <see cref="HistoryChangedException"/>
/// when the lineage differs (or the database is gone) and <see cref="StoreConflictException"/>
/// when only the version does.</item>
/// </list>
/// <para>
/// Folio checks every head and read against what it saw before: a changed lineage, or a version
/// lower than one it already saw, clears its caches and fails the open transaction with
/// <see cref="HistoryChangedException"/>; the next transaction starts on the new history.
/// Page checksums bind the identity, so a page copied in from another database fails to verify.
/// </para>
/// <para>
/// Implementations must be safe to call from several threads at once. Folio calls the
/// synchronous members from inside SQLite's VFS callbacks, and the asynchronous twins
/// (<see cref="BeginReadAsync"/>, <see cref="IPageStoreReader.ReadPagesAsync"/>,
/// <see cref="CommitAsync"/>) from its async typed methods, outside SQLite. Their default
/// implementations run the synchronous members: a store whose I/O is remote should override them
/// so no thread waits on it.
/// </para>
/// </remarks>
public interface IPageStore : IDisposable
{
    /// <summary>The database's name, used in error messages and as the file name SQLite sees.</summary>
    string Name { get; }

    /// <summary>The page size in bytes: a power of two from 512 to 65536, fixed at creation.</summary>
    int PageSize { get; }

    /// <summary>
    /// True when this store instance owns its database (the Durable Object model, e.g.
    /// <c>RedisStoreOptions.Owned</c>): its head and Folio's page cache are authoritative for it
    /// alone, so Folio keeps its in-process state (locks, page cache, history) apart from every
    /// other attachment of the database, as if it were in a process of its own. Default false.
    /// </summary>
    bool Owned => false;

    /// <summary>Reads the current lineage, version and page count.</summary>
    /// <exception cref="HistoryChangedException">The database no longer exists in the store.</exception>
    StoreHead GetHead();

    /// <summary>
    /// Starts a read pinned at the store's current version. Every page the returned reader gives
    /// back belongs to that version, or the reader throws <see cref="StoreConflictException"/>.
    /// </summary>
    /// <param name="knownVersion">
    /// The version the caller's page cache reflects (0 when it holds nothing). A store that can
    /// tell which pages changed since then reports them in <see cref="IPageStoreReader.ChangedPagesSinceKnown"/>.
    /// </param>
    IPageStoreReader BeginRead(long knownVersion);

    /// <summary>
    /// Starts a read pinned at <paramref name="assumed"/>, a head the caller saw before (its last
    /// read start or its own commit), without asking the store whether it is still current: for a
    /// write that proves the assumption with its commit, whose expected version is
    /// <paramref name="assumed"/>'s and which the store refuses if another writer got in between.
    /// Pages the reader fetches must belong to that version, exactly as for a reader
    /// <see cref="BeginRead"/> started there before the store moved on: a page rewritten since
    /// throws <see cref="StoreConflictException"/>.
    /// </summary>
    /// <returns>The reader, or <see langword="null"/> when the store cannot read that way (the default): the caller then starts a read as usual.</returns>
    IPageStoreReader? TryBeginReadAssuming(StoreHead assumed) => null;

    /// <summary>
    /// Applies a batch atomically: either every page, the new page count and the new version become
    /// visible together, or nothing changes. The page buffers belong to the caller and are reused
    /// once this returns: a store copies whatever it keeps.
    /// </summary>
    /// <returns>The new version, <c>commit.ExpectedVersion + 1</c>.</returns>
    /// <exception cref="HistoryChangedException">The database's lineage is not <see cref="StoreCommit.ExpectedLineage"/> (or the database is gone): nothing is written.</exception>
    /// <exception cref="StoreConflictException">The store is no longer at <see cref="StoreCommit.ExpectedVersion"/>.</exception>
    long Commit(StoreCommit commit);

    /// <summary>
    /// The asynchronous twin of <see cref="BeginRead"/>. The default runs <see cref="BeginRead"/>
    /// on the calling thread.
    /// </summary>
    ValueTask<IPageStoreReader> BeginReadAsync(long knownVersion, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new(BeginRead(knownVersion));
    }

    /// <summary>
    /// The asynchronous twin of <see cref="Commit"/>. Cancellation is honoured only before the
    /// batch leaves for the store: once sent, the call completes with the store's answer, so a
    /// caller always learns whether the commit was applied. The default runs <see cref="Commit"/>
    /// on the calling thread.
    /// </summary>
    ValueTask<long> CommitAsync(StoreCommit commit, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new(Commit(commit));
    }
}

/// <summary>A store's current version and page count, with the lineage they belong to.</summary>
/// <param name="Version">The number of commits applied so far; 0 for a database never written.</param>
/// <param name="PageCount">The number of pages in the database at that version.</param>
/// <param name="Lineage">The database's identity and epoch.</param>
public readonly record struct StoreHead(long Version, long PageCount, StoreLineage Lineage);

/// <summary>
/// Names one history of one database: <paramref name="DatabaseId"/> is created at random with the
/// database and never changes; <paramref name="Epoch"/> grows when the store rewrites history on
/// purpose (a restore). A version means something only together with its lineage.
/// </summary>
/// <param name="DatabaseId">The database's identity: random, 128 bits, created with it.</param>
/// <param name="Epoch">Bumped by the store whenever history is rewritten; 0 at creation.</param>
public readonly record struct StoreLineage(Guid DatabaseId, long Epoch)
{
    /// <summary>A lineage for a database being created now: a fresh random identity, epoch 0.</summary>
    public static StoreLineage CreateNew() => new(Guid.NewGuid(), 0);

    /// <summary>True for the default value, which no database has.</summary>
    public bool IsEmpty => DatabaseId == Guid.Empty;

    /// <summary>The identity and epoch as text, as error messages show them.</summary>
    public override string ToString() => $"{DatabaseId:D} epoch {Epoch}";
}

/// <summary>A read pinned at one version of a store. Dispose it to end the read.</summary>
public interface IPageStoreReader : IDisposable
{
    /// <summary>The lineage the pinned version belongs to.</summary>
    StoreLineage Lineage { get; }

    /// <summary>The pinned version.</summary>
    long Version { get; }

    /// <summary>The page count at the pinned version.</summary>
    long PageCount { get; }

    /// <summary>
    /// The pages changed between the <c>knownVersion</c> given to <see cref="IPageStore.BeginRead"/>
    /// and <see cref="Version"/>, or <see langword="null"/> when the store cannot tell (the caller
    /// then drops everything it cached).
    /// </summary>
    IReadOnlyCollection<long>? ChangedPagesSinceKnown { get; }

    /// <summary>
    /// Copies the stored value of page <paramref name="pageNumber"/> into <paramref name="destination"/>.
    /// </summary>
    /// <returns>The number of bytes written, or 0 when the page has no value (it reads as zeros).</returns>
    /// <exception cref="StoreConflictException">The page no longer belongs to the pinned version.</exception>
    int ReadPage(long pageNumber, Span<byte> destination);

    /// <summary>
    /// Reads several pages in one call. <paramref name="destination"/> holds one slot of
    /// <paramref name="slotSize"/> bytes per page; <paramref name="lengths"/> receives each value's length (0 when absent).
    /// Stores with a network round trip per call should override this to fetch all pages at once.
    /// </summary>
    void ReadPages(ReadOnlySpan<long> pageNumbers, Span<byte> destination, int slotSize, Span<int> lengths)
    {
        for (var i = 0; i < pageNumbers.Length; i++)
        {
            lengths[i] = ReadPage(pageNumbers[i], destination.Slice(i * slotSize, slotSize));
        }
    }

    /// <summary>
    /// The asynchronous twin of <see cref="ReadPages"/>. The default runs <see cref="ReadPages"/>
    /// on the calling thread.
    /// </summary>
    ValueTask ReadPagesAsync(ReadOnlyMemory<long> pageNumbers, Memory<byte> destination, int slotSize, Memory<int> lengths, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ReadPages(pageNumbers.Span, destination.Span, slotSize, lengths.Span);
        return default;
    }
}

/// <summary>One atomic batch handed to <see cref="IPageStore.Commit"/>.</summary>
public sealed class StoreCommit
{
    /// <summary>Creates a batch.</summary>
    /// <param name="expectedLineage">The lineage the writer read from.</param>
    /// <param name="expectedVersion">The version the writer read.</param>
    /// <param name="newPageCount">The page count after the commit.</param>
    /// <param name="pages">The pages to write, ascending.</param>
    public StoreCommit(StoreLineage expectedLineage, long expectedVersion, long newPageCount, IReadOnlyList<StorePage> pages)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        ArgumentOutOfRangeException.ThrowIfNegative(newPageCount);
        if (expectedLineage.IsEmpty)
        {
            throw new ArgumentException("A commit names the lineage it was read from; the empty lineage belongs to no database.", nameof(expectedLineage));
        }
        ExpectedLineage = expectedLineage;
        ExpectedVersion = expectedVersion;
        NewPageCount = newPageCount;
        Pages = pages ?? throw new ArgumentNullException(nameof(pages));
    }

    /// <summary>The lineage the writer read from; the commit applies only on that history.</summary>
    public StoreLineage ExpectedLineage { get; }

    /// <summary>The version the writer read; the commit applies only if the store is still there.</summary>
    public long ExpectedVersion { get; }

    /// <summary>The page count after the commit; pages at or past it are deleted.</summary>
    public long NewPageCount { get; }

    /// <summary>The pages to write, in ascending page order, each below <see cref="NewPageCount"/>.</summary>
    public IReadOnlyList<StorePage> Pages { get; }
}

/// <summary>One page's new stored value.</summary>
/// <param name="Number">The zero-based page number.</param>
/// <param name="Data">The encoded value to store.</param>
public readonly record struct StorePage(long Number, ReadOnlyMemory<byte> Data);
