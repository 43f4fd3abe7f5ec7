using System.Collections.Concurrent;
using SQLitePCL;

namespace Folio.Storage;

/// <summary>
/// The outer SQLite file behind one or more <see cref="FilePageStore"/>s, shared by every store
/// of the process on that path: its connections, the identity (device and inode) of the file they
/// are open on, and, in exclusive mode, the versions pages were last changed at while reads are
/// pinned (<see cref="ExclusiveVersions"/>; every commit of the file passes through this process,
/// so a pinned read can tell an unchanged page from a changed one without asking the file).
/// </summary>
internal sealed class OuterFile
{
    private static readonly ConcurrentDictionary<string, OuterFile> Open = new(StringComparer.Ordinal);
    private static readonly Lock OpenLock = new();

    private readonly ConcurrentBag<OuterConnection> _idle = [];
    private readonly Lock _exclusiveLock = new();
    private readonly Lock _swapLock = new();
    private readonly Dictionary<long, ExclusiveVersions> _versions = [];
    private OuterConnection? _exclusive;
    private int _references;
    private int _rented;
    private volatile Known? _identity; // null when the platform cannot tell; a reference, so a read start compares it without the lock
    private readonly byte[] _nativePath; // Path as stat takes it, made once: the check runs at every read start
    private int _generation;

    private OuterFile(string path, FileStoreOptions options)
    {
        Path = path;
        Options = options;
        _nativePath = FileIdentity.NativePath(path);
    }

    public string Path { get; }

    public FileStoreOptions Options { get; }

    public bool IsExclusive => Options.Mode == FileStoreMode.Exclusive;

    /// <summary>The lock that serialises use of the single connection in exclusive mode.</summary>
    public Lock ExclusiveLock => _exclusiveLock;

    /// <summary>Moves on each time the file at <see cref="Path"/> was found replaced and the connections reopened on the new one.</summary>
    public int Generation => Volatile.Read(ref _generation);

    public static OuterFile Acquire(string path, FileStoreOptions options)
    {
        lock (OpenLock)
        {
            if (Open.TryGetValue(path, out var existing))
            {
                if (existing.Options.Mode != options.Mode || existing.Options.Durable != options.Durable || existing.Options.BusyTimeout != options.BusyTimeout)
                {
                    // The connections are shared, so their settings are too: never hand out other ones silently.
                    throw new InvalidOperationException(
                        $"Folio file store '{path}' is already open in this process with {Describe(existing.Options)}; it cannot also be opened with {Describe(options)}. Open every store of one file with the same options.");
                }
                existing._references++;
                return existing;
            }
            var file = new OuterFile(path, new FileStoreOptions { Mode = options.Mode, Durable = options.Durable, BusyTimeout = options.BusyTimeout, OuterPageSize = options.OuterPageSize });
            var first = file.Rent();
            file._identity = FileIdentity.Of(file._nativePath, path) is { } identity ? new Known(identity) : null;
            file.Return(first);
            file._references = 1;
            Open[path] = file;
            return file;
        }
    }

    private static string Describe(FileStoreOptions options) => $"Mode = {options.Mode}, Durable = {options.Durable}, BusyTimeout = {options.BusyTimeout}";

    public void Release()
    {
        lock (OpenLock)
        {
            if (--_references > 0)
            {
                return;
            }
            Open.TryRemove(Path, out _);
            RetireWatch();
            CloseConnections();
        }
    }

    private volatile WalIndexWatch? _watch;
    private int _watchGeneration = -1;

    /// <summary>
    /// The WAL-index watch of the file now at the path (shared mode), once <see cref="EnsureWatch"/>
    /// mapped it; null before, or when it cannot be mapped.
    /// </summary>
    public WalIndexWatch? Watch => _watch;

    /// <summary>Maps the file's WAL index for <see cref="Watch"/>, once per file generation (call after a read succeeded: the -shm then exists).</summary>
    public void EnsureWatch()
    {
        if (_watch is not null || IsExclusive || Volatile.Read(ref _watchGeneration) == Generation)
        {
            return;
        }
        lock (_swapLock)
        {
            if (_watch is null && _watchGeneration != _generation)
            {
                _watchGeneration = _generation;
                _watch = WalIndexWatch.TryOpen(Path);
            }
        }
    }

    /// <summary>
    /// Stops using the watch and closes it (the file was replaced or is being closed): its own
    /// connection must not keep the old file's -shm locked once a new file takes the path.
    /// </summary>
    private void RetireWatch()
    {
        var watch = _watch;
        _watch = null;
        _watchGeneration = -1;
        watch?.Dispose();
    }

    /// <summary>A connection for one operation; in exclusive mode the one connection (hold <see cref="ExclusiveLock"/>).</summary>
    public OuterConnection Rent()
    {
        lock (_swapLock)
        {
            _rented++;
            if (IsExclusive)
            {
                return _exclusive ??= new OuterConnection(Path, Options, _generation);
            }
            return _idle.TryTake(out var connection) ? connection : new OuterConnection(Path, Options, _generation);
        }
    }

    /// <summary>
    /// Takes a connection back. One still inside a transaction (a ROLLBACK that failed) is closed,
    /// never pooled: it would hold the file's write lock and block every writer of every process.
    /// So is one open on a file that has since been replaced.
    /// </summary>
    public void Return(OuterConnection connection)
    {
        lock (_swapLock)
        {
            _rented--;
            var stuck = raw.sqlite3_get_autocommit(connection.Handle) == 0;
            if (stuck || connection.Generation != _generation)
            {
                if (ReferenceEquals(connection, _exclusive))
                {
                    _exclusive = null;
                }
                connection.Dispose();
            }
            else if (!IsExclusive)
            {
                _idle.Add(connection);
            }
        }
    }

    /// <summary>
    /// Checks that <see cref="Path"/> is still the file the connections are open on (one
    /// <c>stat</c>); when it was replaced, closes them so the next ones open the new file.
    /// In exclusive mode the caller holds <see cref="ExclusiveLock"/>.
    /// </summary>
    /// <returns>False when no file is at the path any more.</returns>
    /// <exception cref="StoreConflictException">The file was replaced while another thread still reads the old one: retry.</exception>
    public bool EnsureCurrentFile(string database)
    {
        var identity = FileIdentity.Of(_nativePath, Path);
        var known = _identity;
        if (known is null || identity == known.Value)
        {
            // The common case takes no lock, so parallel read starts do not contend: a swap
            // publishes the new identity after it moved the generation on, so whoever sees it
            // also sees the new generation, and whoever sees the old one read the path before.
            return true;
        }
        lock (_swapLock)
        {
            known = _identity;
            if (known is null || identity == known.Value)
            {
                return true;
            }
            if (identity is null)
            {
                return false;
            }
            if (_rented > 0)
            {
                throw new StoreConflictException(database, $"Folio file store '{Path}': the file was replaced while a read of the old one is still open; retry once it ends.");
            }
            ForgetReplacedFile();
            _generation++;
            _identity = new Known(identity.Value);
            return true;
        }
    }

    /// <summary>The identity of the file the connections are open on, as one reference (never read torn).</summary>
    private sealed record Known(FileIdentity Value);

    /// <summary>WAL frames written between the checkpoints <see cref="CheckpointIfDue"/> runs: SQLite's own default autocheckpoint.</summary>
    private const int FramesPerCheckpoint = 1000;

    /// <summary>
    /// SQLite's own autocheckpoint on the shared-mode connections, in frames: far enough past
    /// <see cref="FramesPerCheckpoint"/> that it never runs while reads end and checkpoint, close
    /// enough that a WAL written by commits without reads (the raw store API) stays bounded.
    /// </summary>
    public const int BackstopCheckpointFrames = 4 * FramesPerCheckpoint;

    /// <summary>Commits between the checkpoints <see cref="CheckpointIfDue"/> runs when the file has no <see cref="Watch"/> to count frames.</summary>
    private const int CommitsPerCheckpoint = 200;

    private int _commitsSinceCheckpoint;
    private int _checkpointedFrames; // the WAL's frames that the last checkpoint had copied back
    private int _checkpointing;

    /// <summary>Counts a commit of this process (see <see cref="CheckpointIfDue"/>).</summary>
    public void OnCommitted() => Interlocked.Increment(ref _commitsSinceCheckpoint);

    /// <summary>
    /// A Folio write transaction holds its outer read transaction while its commit runs on another
    /// connection. So SQLite's autocheckpoint at that commit can never copy the newest frames back
    /// nor let the next writer restart the WAL, and once the WAL is past its threshold it runs at
    /// every commit, copying the previous commit's frames and adding two fsyncs (the WAL's and the
    /// file's) to every commit. So the shared-mode connections leave it to this method: once a read
    /// has ended (<paramref name="connection"/> is out of any transaction) and the WAL index says
    /// <see cref="FramesPerCheckpoint"/> frames were written since the last checkpoint copied back
    /// (every 200 commits when there is no WAL-index watch), a passive checkpoint runs: it waits for
    /// nobody, and when no other read is open it completes, so the next writer restarts the WAL
    /// from its beginning. One checkpoint for every thousand frames, not one per commit.
    /// </summary>
    public void CheckpointIfDue(OuterConnection connection)
    {
        int frames;
        if (_watch is { } watch && watch.TryRead(out var header))
        {
            frames = (int)Math.Min(int.MaxValue, header.FrameCount);
            var copied = Volatile.Read(ref _checkpointedFrames);
            if (frames < copied)
            {
                // Fewer frames than were copied: the WAL restarted since, and counts from its beginning again.
                Interlocked.CompareExchange(ref _checkpointedFrames, 0, copied);
                copied = 0;
            }
            if (frames - copied < FramesPerCheckpoint)
            {
                return;
            }
        }
        else if (Volatile.Read(ref _commitsSinceCheckpoint) < CommitsPerCheckpoint)
        {
            return;
        }
        else
        {
            frames = 0;
        }
        if (Interlocked.CompareExchange(ref _checkpointing, 1, 0) != 0)
        {
            return; // another thread of the process is running it
        }
        try
        {
            Interlocked.Exchange(ref _commitsSinceCheckpoint, 0);
            var rc = raw.sqlite3_wal_checkpoint_v2(connection.Handle, "main", raw.SQLITE_CHECKPOINT_PASSIVE, out _, out var copied);
            // When it could not run, wait for as many frames again; SQLite's backstop bounds the WAL meanwhile.
            Volatile.Write(ref _checkpointedFrames, rc == raw.SQLITE_OK && copied >= 0 ? copied : frames);
        }
        finally
        {
            Volatile.Write(ref _checkpointing, 0);
        }
    }

    // SQLite does not checkpoint or delete the -wal of a database file that has moved when its
    // last connection closes, so the old file's -wal would be read as the new file's (its frames
    // laid over the new file's pages). Checkpointing with TRUNCATE first, through the old
    // connections' descriptors, empties it; the new file's first connection then finds nothing to
    // recover and rebuilds the -shm.
    private void ForgetReplacedFile()
    {
        RetireWatch();
        var any = _exclusive ?? (_idle.TryPeek(out var idle) ? idle : null);
        if (any is not null)
        {
            raw.sqlite3_exec(any.Handle, "PRAGMA wal_checkpoint(TRUNCATE)");
        }
        CloseConnections();
    }

    private void CloseConnections()
    {
        while (_idle.TryTake(out var connection))
        {
            connection.Dispose();
        }
        _exclusive?.Dispose();
        _exclusive = null;
        _versions.Clear();
    }

    /// <summary>The page versions of one database, exclusive mode only; use under <see cref="ExclusiveLock"/>.</summary>
    public ExclusiveVersions VersionsOf(long databaseId)
    {
        if (!_versions.TryGetValue(databaseId, out var versions))
        {
            _versions[databaseId] = versions = new ExclusiveVersions();
        }
        return versions;
    }
}

/// <summary>
/// Exclusive mode: while reads are pinned, the version each page was last written or cut off at.
/// A pinned read may serve a page from the file only if it did not change after the pinned version
/// (only this process writes, so the file's current row is then the pinned version's). Kept only
/// while some read is pinned, so it never outgrows what those reads overlap. Not thread-safe: used
/// under the file's exclusive lock.
/// </summary>
internal sealed class ExclusiveVersions
{
    private readonly Dictionary<long, long> _changedAt = [];
    private readonly List<(long FromPage, long Version)> _cuts = [];
    private int _pinned;

    public void Pin() => _pinned++;

    public void Unpin()
    {
        if (--_pinned == 0)
        {
            _changedAt.Clear();
            _cuts.Clear();
        }
    }

    public void OnCommitted(StoreCommit commit, long oldPageCount, long newVersion)
    {
        if (_pinned == 0)
        {
            return;
        }
        foreach (var page in commit.Pages)
        {
            _changedAt[page.Number] = newVersion;
        }
        if (commit.NewPageCount < oldPageCount)
        {
            _cuts.Add((commit.NewPageCount, newVersion));
        }
    }

    public bool ChangedAfter(long page, long version)
    {
        if (_changedAt.TryGetValue(page, out var at) && at > version)
        {
            return true;
        }
        foreach (var (fromPage, cutAt) in _cuts)
        {
            if (page >= fromPage && cutAt > version)
            {
                return true;
            }
        }
        return false;
    }
}
