using SQLitePCL;

namespace Folio.Storage;

public sealed partial class FilePageStore : IPageStoreHistory
{
    /// <summary>How many past versions this store's commits keep (<see cref="FileStoreOptions.History"/>).</summary>
    public HistoryRetention Retention { get; }

    /// <inheritdoc />
    public StoreHistoryRange GetHistoryRange() => WithConnection(c => RangeOn(c, DatabaseIdOn(c)));

    /// <inheritdoc />
    public IReadOnlyList<StoreVersion> GetVersions(long newest, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return WithConnection(c =>
        {
            using var statement = c.Prepare("SELECT version, committed_at, page_count, pages, bytes FROM folio_version WHERE db = ?1 AND version <= ?2 ORDER BY version DESC LIMIT ?3");
            raw.sqlite3_bind_int64(statement, 1, DatabaseIdOn(c));
            raw.sqlite3_bind_int64(statement, 2, newest);
            raw.sqlite3_bind_int64(statement, 3, count);
            var versions = new List<StoreVersion>();
            while (raw.sqlite3_step(statement) == Interop.SqliteConstants.SQLITE_ROW)
            {
                versions.Add(OuterHistory.ToVersion(statement));
            }
            return versions;
        });
    }

    /// <inheritdoc />
    public StoreVersion? FindVersionAt(DateTimeOffset time) => WithConnection(c => c.History.InForceAt(DatabaseIdOn(c), time));

    /// <inheritdoc />
    public IPageStoreReader BeginReadAt(long version)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return new PastReader(this, version);
    }

    /// <inheritdoc />
    public StoreHistoryUsage GetUsage() => WithConnection(c =>
    {
        var id = DatabaseIdOn(c);
        using var values = c.Prepare("SELECT count(*), coalesce(sum(length(data)), 0) FROM folio_history WHERE db = ?1");
        raw.sqlite3_bind_int64(values, 1, id);
        raw.sqlite3_step(values);
        using var versions = c.Prepare("SELECT count(*) FROM folio_version WHERE db = ?1");
        raw.sqlite3_bind_int64(versions, 1, id);
        raw.sqlite3_step(versions);
        return new StoreHistoryUsage(raw.sqlite3_column_int64(values, 0), raw.sqlite3_column_int64(values, 1), raw.sqlite3_column_int64(versions, 0));
    });

    /// <summary>The retained range as the file holds it now (a file from before history holds only its current version).</summary>
    private StoreHistoryRange RangeOn(OuterConnection connection, long databaseId)
    {
        var head = ReadHead(connection);
        var oldest = connection.History.Oldest(databaseId) ?? head.Version;
        return new StoreHistoryRange(head.Lineage, Math.Min(oldest, head.Version), head.Version);
    }

    /// <summary>
    /// A read pinned at a retained version. Shared mode holds an outer read transaction, so the
    /// rows it reads stay as they were even while commits collect them. Exclusive mode holds no
    /// transaction (the one connection also commits): each page read checks the version is still
    /// retained, and fails with <see cref="VersionNotRetainedException"/> once collection passed it.
    /// </summary>
    private sealed class PastReader : IPageStoreReader
    {
        private readonly FilePageStore _store;
        private readonly long _databaseId;
        private OuterConnection? _held;
        private bool _disposed;

        public PastReader(FilePageStore store, long version)
        {
            _store = store;
            Version = version;
            if (store._file.IsExclusive)
            {
                lock (store._file.ExclusiveLock)
                {
                    store.EnsureCurrentFile();
                    (_databaseId, Lineage, PageCount) = Start(store, store._file.Rent(), version, hold: false);
                }
                return;
            }
            store.EnsureCurrentFile();
            var connection = store._file.Rent();
            connection.BeginRead();
            _held = connection;
            (_databaseId, Lineage, PageCount) = Start(store, connection, version, hold: true);
        }

        public StoreLineage Lineage { get; }

        public long Version { get; }

        public long PageCount { get; }

        public IReadOnlyCollection<long>? ChangedPagesSinceKnown => null;

        /// <summary>Checks the version is retained and reads its head; the connection goes back unless held.</summary>
        private (long Id, StoreLineage Lineage, long PageCount) Start(FilePageStore store, OuterConnection connection, long version, bool hold)
        {
            var keep = false;
            try
            {
                var id = store.DatabaseIdOn(connection);
                var range = store.RangeOn(connection, id);
                if (!range.Contains(version))
                {
                    throw new VersionNotRetainedException(store.Name, version, range);
                }
                var pageCount = version == range.Newest ? store.ReadHead(connection).PageCount
                    : connection.History.Version(id, version)?.PageCount ?? throw new VersionNotRetainedException(store.Name, version, range, "its record is missing");
                keep = hold;
                return (id, range.Lineage, pageCount);
            }
            finally
            {
                if (!keep)
                {
                    if (hold)
                    {
                        connection.Rollback(); // OuterFile.Return closes it if that failed
                        _held = null;
                    }
                    store._file.Return(connection);
                }
            }
        }

        public int ReadPage(long pageNumber, Span<byte> destination)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_held is { } held)
            {
                return held.History.ReadPageAt(_databaseId, pageNumber, Version, destination);
            }
            lock (_store._file.ExclusiveLock)
            {
                var connection = _store._file.Rent();
                try
                {
                    var range = _store.RangeOn(connection, _databaseId);
                    if (Version < range.Oldest)
                    {
                        throw new VersionNotRetainedException(_store.Name, Version, range, "collected while it was being read");
                    }
                    return connection.History.ReadPageAt(_databaseId, pageNumber, Version, destination);
                }
                finally
                {
                    _store._file.Return(connection);
                }
            }
        }

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            if (_held is { } connection)
            {
                _held = null;
                try
                {
                    connection.EndRead();
                }
                finally
                {
                    _store._file.Return(connection);
                }
            }
        }
    }
}
