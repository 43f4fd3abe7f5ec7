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
/// Every read start and commit (in both modes) checks with one <c>stat</c> that the path still
/// names the file the connections are open on. When it was replaced (a restored backup, another
/// file moved over it), the connections are closed and reopened on the new file, whose database
/// identity is then what the store reports, so Folio fails the open transaction with
/// <see cref="HistoryChangedException"/> and moves on to the new history. A file deleted and not
/// recreated is a database gone. On platforms other than Linux the check is skipped.
/// </para>
/// <para>
/// The outer connections are Folio's own, separate from the application's; the VFS calls them
/// from inside SQLite's callbacks on the application's connection, which SQLite allows.
/// </para>
/// </remarks>
public sealed partial class FilePageStore : IPageStore
{
    /// <summary>The outer file's name inside a directory given as the path.</summary>
    public const string DefaultFileName = "folio.db";

    private readonly OuterFile _file;
    private volatile Located _located;
    private volatile Seen? _lastSeen; // the lineage last read, for the messages when the database is gone
    private volatile Unchanged? _unchanged; // the head a shared read saw, with the WAL index it saw it under
    private int _disposed;

    private FilePageStore(OuterFile file, long databaseId, string database, int pageSize, HistoryRetention retention)
    {
        _file = file;
        Retention = retention;
        _located = new Located(file.Generation, databaseId);
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
    /// <param name="options">Sharing, durability and history.</param>
    /// <exception cref="PageSizeMismatchException">The database exists with another page size.</exception>
    public static FilePageStore Open(string path, string database = "main", int pageSize = PageSizes.Default, FileStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(database);
        PageSizes.Validate(pageSize, database);
        var retention = (options?.History ?? HistoryRetention.Default).Validate();
        if (options is { OuterPageSize: var outerPageSize } && (outerPageSize < 4096 || outerPageSize > 65536 || (outerPageSize & (outerPageSize - 1)) != 0))
        {
            throw new ArgumentOutOfRangeException(nameof(options), outerPageSize, $"FileStoreOptions.OuterPageSize must be a power of two from 4096 to 65536, not {outerPageSize}.");
        }
        var file = ResolveFile(path);
        var outer = OuterFile.Acquire(file, options ?? new FileStoreOptions());
        try
        {
            var (id, storedPageSize) = WithConnection(outer, c => c.OpenDatabase(database, pageSize));
            if (storedPageSize != pageSize)
            {
                throw new PageSizeMismatchException(database == "main" ? file : $"{file}#{database}", storedPageSize, pageSize);
            }
            return new FilePageStore(outer, id, database, pageSize, retention);
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
    public StoreHead GetHead() => WithConnection(ReadHead);

    /// <summary>When the last commit happened (the Unix epoch when never).</summary>
    public DateTimeOffset LastCommitTime => WithConnection(c =>
    {
        using var statement = c.Prepare("SELECT committed_at FROM folio_database WHERE id = ?1");
        SQLitePCL.raw.sqlite3_bind_int64(statement, 1, DatabaseIdOn(c));
        SQLitePCL.raw.sqlite3_step(statement);
        return DateTimeOffset.FromUnixTimeMilliseconds(SQLitePCL.raw.sqlite3_column_int64(statement, 0));
    });

    /// <inheritdoc />
    public IPageStoreReader BeginRead(long knownVersion)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (_file.IsExclusive)
        {
            return new ExclusiveReader(this, knownVersion);
        }
        EnsureCurrentFile();
        // Nothing committed to the file since a read saw the version the caller's cache holds:
        // that version is still current, and no outer transaction is needed unless a page is missing.
        if (_unchanged is { } seen && seen.Head.Version == knownVersion && seen.Generation == _file.Generation
            && _file.Watch is { } watch && watch.TryRead(out var header) && header == seen.Header)
        {
            return new UnchangedReader(this, seen);
        }
        return new SharedReader(this, knownVersion);
    }

    /// <inheritdoc />
    public long Commit(StoreCommit commit)
    {
        ArgumentNullException.ThrowIfNull(commit);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return WithConnection(c =>
        {
            c.BeginWrite();
            try
            {
                var databaseId = DatabaseIdOn(c);
                var head = ReadHead(c);
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
                c.WritePages(databaseId, commit, newVersion, head.PageCount, Retention);
                c.CommitWrite();
                _file.OnCommitted();
                if (_file.IsExclusive)
                {
                    _file.VersionsOf(databaseId).OnCommitted(commit, head.PageCount, newVersion);
                }
                return newVersion;
            }
            catch
            {
                // Nothing of the outer transaction survives: the store stays at the old version. A
                // connection whose ROLLBACK failed is closed by OuterFile.Return, never pooled.
                c.Rollback();
                throw;
            }
        });
    }

    /// <summary>Replaces the stored bytes of one page without changing the version: for tests that simulate a damaged disk.</summary>
    public void OverwriteStoredPageForTesting(long pageNumber, ReadOnlySpan<byte> value)
    {
        var bytes = value.ToArray();
        WithConnection(c =>
        {
            using var statement = c.Prepare("UPDATE folio_page SET data = ?2 WHERE key = ?1");
            SQLitePCL.raw.sqlite3_bind_int64(statement, 1, (DatabaseIdOn(c) << OuterConnection.PageBits) | pageNumber);
            SQLitePCL.raw.sqlite3_bind_blob(statement, 2, bytes);
            c.Step(statement, "UPDATE folio_page");
            return 0;
        });
    }

    /// <summary>Returns a copy of the stored bytes of one page, or null when it has none.</summary>
    public byte[]? GetStoredPage(long pageNumber)
    {
        var buffer = new byte[PageFormat.MaxValueSize(PageSize) + 1024];
        var length = WithConnection(c => c.ReadPage(DatabaseIdOn(c), pageNumber, buffer));
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

    /// <summary>Runs <paramref name="action"/> on a connection to the file now at the path (see <see cref="EnsureCurrentFile"/>).</summary>
    private T WithConnection<T>(Func<OuterConnection, T> action)
    {
        if (_file.IsExclusive)
        {
            lock (_file.ExclusiveLock)
            {
                EnsureCurrentFile();
                return WithConnection(_file, action);
            }
        }
        EnsureCurrentFile();
        return WithConnection(_file, action);
    }

    private static T WithConnection<T>(OuterFile file, Func<OuterConnection, T> action)
    {
        if (file.IsExclusive)
        {
            lock (file.ExclusiveLock)
            {
                return Use(file, action);
            }
        }
        return Use(file, action);
    }

    private static T Use<T>(OuterFile file, Func<OuterConnection, T> action)
    {
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

    /// <summary>
    /// One <c>stat</c> of the outer file, at every read start and commit: when the file at the path
    /// was replaced (a restored backup, another file moved over it), the connections reopen on the
    /// new one, whose lineage is then what this store reports. A file deleted and not recreated is
    /// a database gone from the store. In exclusive mode the caller holds the exclusive lock.
    /// </summary>
    private void EnsureCurrentFile()
    {
        if (!_file.EnsureCurrentFile(Name))
        {
            throw new HistoryChangedException(Name, _lastSeen?.Lineage ?? default, 0, default, 0, "the outer file was deleted");
        }
    }

    /// <summary>The database's row id in the file <paramref name="connection"/> is open on: found again by name after the file was replaced.</summary>
    private long DatabaseIdOn(OuterConnection connection)
    {
        var located = _located;
        if (located.Generation == connection.Generation)
        {
            return located.Id;
        }
        var found = connection.FindDatabase(Database)
            ?? throw new HistoryChangedException(Name, _lastSeen?.Lineage ?? default, 0, default, 0, "the outer file was replaced by one without this database");
        if (found.PageSize != PageSize)
        {
            throw new PageSizeMismatchException(Name, found.PageSize, PageSize);
        }
        _located = new Located(connection.Generation, found.Id);
        return found.Id;
    }

    private StoreHead ReadHead(OuterConnection connection)
    {
        var head = connection.ReadHead(DatabaseIdOn(connection));
        if (_lastSeen?.Lineage != head.Lineage)
        {
            _lastSeen = new Seen(head.Lineage);
        }
        return head;
    }

    /// <summary>The database's row id in the file of one <see cref="OuterFile.Generation"/>.</summary>
    private sealed record Located(int Generation, long Id);

    private sealed record Seen(StoreLineage Lineage);
}
