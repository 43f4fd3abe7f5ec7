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
            store.EnsureCurrentFile();
            _connection = store._file.Rent();
            try
            {
                _connection.BeginRead();
                _databaseId = store.DatabaseIdOn(_connection);
                var head = store.ReadHead(_connection);
                Lineage = head.Lineage;
                Version = head.Version;
                PageCount = head.PageCount;
                ChangedPagesSinceKnown = knownVersion == head.Version ? Array.Empty<long>() : null;
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
