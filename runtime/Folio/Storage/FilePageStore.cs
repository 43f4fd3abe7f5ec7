namespace Folio.Storage;

/// <summary>
/// The embedded default store, needing no server: pages are rows of a table in an ordinary SQLite
/// file (the "outer" file) in WAL mode. One outer file can hold many databases.
/// </summary>
/// <remarks>
/// <para>
/// A commit is one outer write transaction that checks the version, writes the pages, deletes
/// pages past the new end and bumps the version: atomic and, with the default
/// <see cref="FileStoreOptions.Durable"/>, durable when it returns (one WAL fsync).
/// </para>
/// <para>
/// In <see cref="FileStoreMode.Shared"/> mode (the default) several processes may use the file;
/// a Folio read transaction holds an outer read transaction, so its snapshot is the outer file's.
/// In <see cref="FileStoreMode.Exclusive"/> mode one process owns the file and avoids the outer
/// file's lock system calls.
/// </para>
/// <para>
/// The outer connections are Folio's own, separate from the application's; the VFS calls them
/// from inside SQLite's callbacks on the application's connection, which SQLite allows.
/// </para>
/// </remarks>
public sealed class FilePageStore : IPageStore
{
    /// <summary>The outer file's name inside a directory given as the path.</summary>
    public const string DefaultFileName = "folio.db";

    private readonly OuterFile _file;
    private readonly long _databaseId;
    private int _disposed;

    private FilePageStore(OuterFile file, long databaseId, string database, int pageSize)
    {
        _file = file;
        _databaseId = databaseId;
        Database = database;
        PageSize = pageSize;
        Name = database == "main" ? file.Path : $"{file.Path}#{database}";
    }

    /// <summary>
    /// Opens (creating when missing) database <paramref name="database"/> in the outer file at <paramref name="path"/>.
    /// </summary>
    /// <param name="path">
    /// The outer file. A path without an extension names a directory (created when missing) that
    /// holds the file <see cref="DefaultFileName"/>.
    /// </param>
    /// <param name="database">The database's name inside the file.</param>
    /// <param name="pageSize">The page size for a new database; must match an existing one.</param>
    /// <param name="options">Sharing and durability.</param>
    /// <exception cref="PageSizeMismatchException">The database exists with another page size.</exception>
    public static FilePageStore Open(string path, string database = "main", int pageSize = PageSizes.Default, FileStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(database);
        PageSizes.Validate(pageSize, database);
        var file = ResolveFile(path);
        var outer = OuterFile.Acquire(file, options ?? new FileStoreOptions());
        try
        {
            var (id, storedPageSize) = WithConnection(outer, c => c.OpenDatabase(database, pageSize));
            if (storedPageSize != pageSize)
            {
                throw new PageSizeMismatchException(database == "main" ? file : $"{file}#{database}", storedPageSize, pageSize);
            }
            return new FilePageStore(outer, id, database, pageSize);
        }
        catch
        {
            outer.Release();
            throw;
        }
    }

    /// <summary>The full path of the outer file.</summary>
    public static string ResolveFile(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full) || !System.IO.Path.HasExtension(full))
        {
            Directory.CreateDirectory(full);
            return System.IO.Path.Combine(full, DefaultFileName);
        }
        var directory = System.IO.Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
        return full;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The database's name inside the outer file.</summary>
    public string Database { get; }

    /// <summary>The outer file's full path.</summary>
    public string Path => _file.Path;

    /// <summary>The sharing mode the file was opened in.</summary>
    public FileStoreMode Mode => _file.Options.Mode;

    /// <inheritdoc />
    public int PageSize { get; }

    /// <inheritdoc />
    public StoreHead GetHead() => WithConnection(_file, c => c.ReadHead(_databaseId));

    /// <summary>When the last commit happened (the Unix epoch when never).</summary>
    public DateTimeOffset LastCommitTime => WithConnection(_file, c =>
    {
        using var statement = c.Prepare("SELECT committed_at FROM folio_database WHERE id = ?1");
        SQLitePCL.raw.sqlite3_bind_int64(statement, 1, _databaseId);
        SQLitePCL.raw.sqlite3_step(statement);
        return DateTimeOffset.FromUnixTimeMilliseconds(SQLitePCL.raw.sqlite3_column_int64(statement, 0));
    });

    /// <inheritdoc />
    public IPageStoreReader BeginRead(long knownVersion)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return _file.IsExclusive ? new ExclusiveReader(this, knownVersion) : new SharedReader(this, knownVersion);
    }

    /// <inheritdoc />
    public long Commit(StoreCommit commit)
    {
        ArgumentNullException.ThrowIfNull(commit);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return WithConnection(_file, c =>
        {
            c.Exec("BEGIN IMMEDIATE");
            try
            {
                var head = c.ReadHead(_databaseId);
                if (head.Lineage != commit.ExpectedLineage)
                {
                    throw new HistoryChangedException(Name, commit.ExpectedLineage, commit.ExpectedVersion, head.Lineage, head.Version,
                        "the commit was built on another history of the database");
                }
                if (head.Version != commit.ExpectedVersion)
                {
                    throw new StoreConflictException(Name, commit.ExpectedVersion, head.Version);
                }
                var newVersion = head.Version + 1;
                c.WritePages(_databaseId, commit, newVersion);
                c.Exec("COMMIT");
                return newVersion;
            }
            catch
            {
                // Nothing of the outer transaction survives: the store stays at the old version.
                SQLitePCL.raw.sqlite3_exec(c.Handle, "ROLLBACK");
                throw;
            }
        });
    }

    /// <summary>Replaces the stored bytes of one page without changing the version: for tests that simulate a damaged disk.</summary>
    public void OverwriteStoredPageForTesting(long pageNumber, ReadOnlySpan<byte> value)
    {
        var bytes = value.ToArray();
        WithConnection(_file, c =>
        {
            using var statement = c.Prepare("UPDATE folio_page SET data = ?2 WHERE key = ?1");
            SQLitePCL.raw.sqlite3_bind_int64(statement, 1, (_databaseId << OuterConnection.PageBits) | pageNumber);
            SQLitePCL.raw.sqlite3_bind_blob(statement, 2, bytes);
            c.Step(statement, "UPDATE folio_page");
            return 0;
        });
    }

    /// <summary>Returns a copy of the stored bytes of one page, or null when it has none.</summary>
    public byte[]? GetStoredPage(long pageNumber)
    {
        var buffer = new byte[ChecksumPageCodec.HeaderSize + PageSize + 1024];
        var length = WithConnection(_file, c => c.ReadPage(_databaseId, pageNumber, buffer));
        return length == 0 ? null : buffer[..length];
    }

    /// <summary>Releases this store's hold on the outer file (closed when the last store of the process lets go).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _file.Release();
        }
    }

    private static T WithConnection<T>(OuterFile file, Func<OuterConnection, T> action)
    {
        if (file.IsExclusive)
        {
            lock (file.ExclusiveLock)
            {
                return action(file.Rent());
            }
        }
        var connection = file.Rent();
        try
        {
            return action(connection);
        }
        finally
        {
            file.Return(connection);
        }
    }

    /// <summary>Holds an outer read transaction: the outer file's WAL snapshot is the pinned version.</summary>
    private sealed class SharedReader : IPageStoreReader
    {
        private readonly FilePageStore _store;
        private OuterConnection? _connection;

        public SharedReader(FilePageStore store, long knownVersion)
        {
            _store = store;
            _connection = store._file.Rent();
            try
            {
                _connection.BeginRead();
                var head = _connection.ReadHead(store._databaseId);
                Lineage = head.Lineage;
                Version = head.Version;
                PageCount = head.PageCount;
                ChangedPagesSinceKnown = knownVersion == head.Version ? Array.Empty<long>() : null;
            }
            catch
            {
                SQLitePCL.raw.sqlite3_exec(_connection.Handle, "ROLLBACK");
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
            return _connection.ReadPage(_store._databaseId, pageNumber, destination);
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
            }
            catch
            {
                connection.Dispose(); // never hand a connection stuck in a transaction back to the pool
                throw;
            }
            _store._file.Return(connection);
        }
    }

    /// <summary>
    /// No outer transaction is held (only this process writes): each page read checks, under the
    /// connection's lock, that the version has not moved.
    /// </summary>
    private sealed class ExclusiveReader : IPageStoreReader
    {
        private readonly FilePageStore _store;

        public ExclusiveReader(FilePageStore store, long knownVersion)
        {
            _store = store;
            var head = store.GetHead();
            Lineage = head.Lineage;
            Version = head.Version;
            PageCount = head.PageCount;
            ChangedPagesSinceKnown = knownVersion == head.Version ? Array.Empty<long>() : null;
        }

        public StoreLineage Lineage { get; }

        public long Version { get; }

        public long PageCount { get; }

        public IReadOnlyCollection<long>? ChangedPagesSinceKnown { get; }

        public int ReadPage(long pageNumber, Span<byte> destination)
        {
            lock (_store._file.ExclusiveLock)
            {
                var connection = _store._file.Rent();
                var head = connection.ReadHead(_store._databaseId);
                if (head.Version != Version)
                {
                    throw new StoreConflictException(_store.Name, Version, head.Version);
                }
                return connection.ReadPage(_store._databaseId, pageNumber, destination);
            }
        }

        public void Dispose()
        {
        }
    }
}
