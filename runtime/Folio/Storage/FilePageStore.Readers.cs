namespace Folio.Storage;

public sealed partial class FilePageStore
{
    /// <summary>Holds an outer read transaction: the outer file's WAL snapshot is the pinned version.</summary>
    private sealed class SharedReader : IPageStoreReader
    {
        private readonly FilePageStore _store;
        private readonly long _databaseId;
        private OuterConnection? _connection;

        public SharedReader(FilePageStore store, long knownVersion)
        {
            _store = store;
            _connection = store._file.Rent();
            try
            {
                // The index header read before the snapshot is taken: if it is unchanged later,
                // nothing committed after it, so nothing after this snapshot either.
                var generation = _connection.Generation;
                var watched = store._file.Watch is { } watch && watch.TryRead(out var header) ? header : (WalIndexHeader?)null;
                _connection.BeginRead();
                _databaseId = store.DatabaseIdOn(_connection);
                var head = store.ReadHead(_connection);
                Lineage = head.Lineage;
                Version = head.Version;
                PageCount = head.PageCount;
                ChangedPagesSinceKnown = knownVersion == head.Version ? Array.Empty<long>() : null;
                store._unchanged = watched is { } seen ? new Unchanged(generation, seen, head, _databaseId) : null;
                store._file.EnsureWatch();
            }
            catch
            {
                _connection.Rollback(); // OuterFile.Return closes it if that failed
                store._file.Return(_connection);
                _connection = null;
                throw;
            }
        }

        public StoreLineage Lineage { get; }

        public long Version { get; }

        public long PageCount { get; }

        public IReadOnlyCollection<long>? ChangedPagesSinceKnown { get; }

        public int ReadPage(long pageNumber, Span<byte> destination)
        {
            ObjectDisposedException.ThrowIf(_connection is null, this);
            return _connection.ReadPage(_databaseId, pageNumber, destination);
        }

        public void Dispose()
        {
            var connection = _connection;
            if (connection is null)
            {
                return;
            }
            _connection = null;
            try
            {
                connection.EndRead();
                _store._file.CheckpointIfDue(connection);
            }
            finally
            {
                // A connection whose COMMIT failed is still in the read transaction: Return closes it.
                _store._file.Return(connection);
            }
        }
    }

    /// <summary>
    /// A shared-mode read of the version a previous read saw, started while the WAL index says
    /// nothing committed since (<see cref="WalIndexWatch"/>): the caller's cache answers it, so no
    /// outer transaction is opened unless a page must be read. Then one is, and it must still see
    /// that version; if a commit came in between, the page fails with
    /// <see cref="StoreConflictException"/> (SQLITE_BUSY, retried), as a pinned read must.
    /// </summary>
    private sealed class UnchangedReader(FilePageStore store, Unchanged seen) : IPageStoreReader
    {
        private OuterConnection? _connection;
        private bool _disposed;

        public StoreLineage Lineage => seen.Head.Lineage;

        public long Version => seen.Head.Version;

        public long PageCount => seen.Head.PageCount;

        public IReadOnlyCollection<long> ChangedPagesSinceKnown => [];

        public int ReadPage(long pageNumber, Span<byte> destination)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_connection is null)
            {
                var connection = store._file.Rent();
                try
                {
                    connection.BeginRead();
                    if (connection.Generation != seen.Generation || store.DatabaseIdOn(connection) != seen.DatabaseId || store.ReadHead(connection) != seen.Head)
                    {
                        throw new StoreConflictException(store.Name,
                            $"Folio database '{store.Name}': another commit came in since the read at version {Version} began; retry the transaction.");
                    }
                }
                catch
                {
                    connection.Rollback(); // OuterFile.Return closes it if that failed
                    store._file.Return(connection);
                    throw;
                }
                _connection = connection;
            }
            return _connection.ReadPage(seen.DatabaseId, pageNumber, destination);
        }

        public void Dispose()
        {
            _disposed = true;
            if (_connection is { } connection)
            {
                _connection = null;
                try
                {
                    connection.EndRead();
                }
                finally
                {
                    store._file.Return(connection);
                }
            }
        }
    }

    /// <summary>What a shared read saw: the file generation, the WAL-index header before its snapshot, the head and the database's row id.</summary>
    private sealed record Unchanged(int Generation, WalIndexHeader Header, StoreHead Head, long DatabaseId);

    /// <summary>
    /// No outer transaction is held: only this process writes the file, so the file's current row
    /// of a page is the pinned version's unless a commit since changed or cut off that page, which
    /// <see cref="ExclusiveVersions"/> records while the read is pinned. Such a page fails with
    /// <see cref="StoreConflictException"/> (SQLITE_BUSY, retried) as the contract asks; every other
    /// page is served, so a connection reads on after its own commits.
    /// </summary>
    private sealed class ExclusiveReader : IPageStoreReader
    {
        private readonly FilePageStore _store;
        private readonly long _databaseId;
        private readonly int _generation;
        private readonly ExclusiveVersions _versions;
        private bool _disposed;

        public ExclusiveReader(FilePageStore store, long knownVersion)
        {
            _store = store;
            lock (store._file.ExclusiveLock)
            {
                store.EnsureCurrentFile();
                var connection = store._file.Rent();
                try
                {
                    _databaseId = store.DatabaseIdOn(connection);
                    _generation = connection.Generation;
                    var head = store.ReadHead(connection);
                    Lineage = head.Lineage;
                    Version = head.Version;
                    PageCount = head.PageCount;
                }
                finally
                {
                    store._file.Return(connection);
                }
                _versions = store._file.VersionsOf(_databaseId);
                _versions.Pin();
            }
            ChangedPagesSinceKnown = knownVersion == Version ? Array.Empty<long>() : null;
        }

        public StoreLineage Lineage { get; }

        public long Version { get; }

        public long PageCount { get; }

        public IReadOnlyCollection<long>? ChangedPagesSinceKnown { get; }

        public int ReadPage(long pageNumber, Span<byte> destination)
        {
            lock (_store._file.ExclusiveLock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_store._file.Generation != _generation)
                {
                    throw new StoreConflictException(_store.Name, $"Folio database '{_store.Name}': the outer file was replaced during the read at version {Version}; retry the transaction.");
                }
                if (_versions.ChangedAfter(pageNumber, Version))
                {
                    throw new StoreConflictException(_store.Name,
                        $"Folio database '{_store.Name}': page {pageNumber} changed after version {Version}, which this read is pinned at; retry the transaction.");
                }
                var connection = _store._file.Rent();
                try
                {
                    return connection.ReadPage(_databaseId, pageNumber, destination);
                }
                finally
                {
                    _store._file.Return(connection);
                }
            }
        }

        public void Dispose()
        {
            lock (_store._file.ExclusiveLock)
            {
                if (!_disposed)
                {
                    _disposed = true;
                    _versions.Unpin();
                }
            }
        }
    }
}
