namespace Folio.Storage;

/// <summary>
/// A read-only view of one retained past version of a store that keeps history
/// (<see cref="IPageStoreHistory"/>): attach it like any store and SQLite, the typed methods and
/// other clients read the database exactly as it was. Every write is refused.
/// </summary>
/// <remarks>
/// <see cref="FolioDatabase.OpenAt"/> makes one for a bookmark. The view's version never moves, so
/// Folio keeps its page cache apart from the live database's (as for an owned store): nothing read
/// at the past version can reach a reader of the present. Its name is the store's with
/// <c>@version</c> appended.
/// </remarks>
public sealed class PastVersionStore : IPageStore
{
    private readonly IPageStoreHistory _history;
    private readonly StoreHead _head;

    /// <summary>Opens the view of <paramref name="version"/>.</summary>
    /// <param name="store">The store; it must keep history.</param>
    /// <param name="version">A retained version.</param>
    /// <exception cref="NotSupportedException">The store keeps no history.</exception>
    /// <exception cref="VersionNotRetainedException">The version is not retained.</exception>
    public PastVersionStore(IPageStore store, long version)
    {
        ArgumentNullException.ThrowIfNull(store);
        Source = store;
        _history = store as IPageStoreHistory ?? throw new NotSupportedException(
            $"Folio database '{store.Name}': its store ({store.GetType().Name}) keeps no history, so no past version can be read; the memory, file and Redis stores do (IPageStoreHistory).");
        using (var reader = _history.BeginReadAt(version))
        {
            _head = new StoreHead(reader.Version, reader.PageCount, reader.Lineage);
        }
        Name = $"{store.Name}@{version}";
    }

    /// <summary>The store whose past this is.</summary>
    public IPageStore Source { get; }

    /// <summary>The version the view shows.</summary>
    public long Version => _head.Version;

    /// <summary>The lineage the version belongs to.</summary>
    public StoreLineage Lineage => _head.Lineage;

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public int PageSize => Source.PageSize;

    /// <inheritdoc />
    public StoreHead GetHead() => _head;

    /// <inheritdoc />
    public IPageStoreReader BeginRead(long knownVersion)
    {
        var reader = _history.BeginReadAt(_head.Version);
        // Nothing changes at a past version: a cache filled at it stays valid.
        return knownVersion == _head.Version ? new Unchanged(reader) : reader;
    }

    /// <summary>Always refused: a past version cannot change.</summary>
    /// <exception cref="ReadOnlyDatabaseException">Always.</exception>
    public long Commit(StoreCommit commit) => throw new ReadOnlyDatabaseException(Name, Version);

    /// <summary>Nothing to release: the source store belongs to its opener.</summary>
    public void Dispose()
    {
    }
}

/// <summary>A read at the version the caller's cache already holds: it reports no changed pages.</summary>
file sealed class Unchanged(IPageStoreReader inner) : IPageStoreReader
{
    public StoreLineage Lineage => inner.Lineage;

    public long Version => inner.Version;

    public long PageCount => inner.PageCount;

    public IReadOnlyCollection<long> ChangedPagesSinceKnown => [];

    public int ReadPage(long pageNumber, Span<byte> destination) => inner.ReadPage(pageNumber, destination);

    public void ReadPages(ReadOnlySpan<long> pageNumbers, Span<byte> destination, int slotSize, Span<int> lengths) =>
        inner.ReadPages(pageNumbers, destination, slotSize, lengths);

    public ValueTask ReadPagesAsync(ReadOnlyMemory<long> pageNumbers, Memory<byte> destination, int slotSize, Memory<int> lengths, CancellationToken cancellationToken = default) =>
        inner.ReadPagesAsync(pageNumbers, destination, slotSize, lengths, cancellationToken);

    public void Dispose() => inner.Dispose();
}

/// <summary>A write to a read-only view of a past version (<see cref="PastVersionStore"/>).</summary>
public sealed class ReadOnlyDatabaseException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public ReadOnlyDatabaseException(string database, long version)
        : base($"Folio database '{database}' is a read-only view of past version {version}: writes are refused. To make that state current again, use RestoreTo(bookmark) on the live database; to evolve it apart, Branch(bookmark, store).")
    {
        Database = database;
        Version = version;
    }

    /// <summary>The view's name.</summary>
    public string Database { get; }

    /// <summary>The version the view shows.</summary>
    public long Version { get; }
}
