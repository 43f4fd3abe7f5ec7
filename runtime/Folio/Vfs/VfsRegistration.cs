using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;
using Folio.Interop;
using Folio.Storage;

namespace Folio.Vfs;

/// <summary>
/// One VFS registered with SQLite: its native tables, the databases attached to it by name, and
/// the in-memory journals of those databases. A registration lives as long as the process
/// (SQLite keeps pointers to its tables).
/// Meant for the code Folio's generator writes, not for applications.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public sealed unsafe class VfsRegistration
{
    private static readonly ConcurrentDictionary<string, VfsRegistration> ByName = new(StringComparer.Ordinal);
    private static readonly Lock RegisterLock = new();

    private readonly ConcurrentDictionary<string, SharedDatabase> _databases = new(StringComparer.Ordinal);
    private readonly Lock _attachLock = new();

    private VfsRegistration(string name, int pageSize)
    {
        Name = name;
        PageSize = pageSize;
    }

    /// <summary>The name SQLite knows the VFS by (<c>Vfs=</c> in a connection string).</summary>
    public string Name { get; }

    /// <summary>The page size the VFS was compiled for, or 0 when it takes the store's.</summary>
    public int PageSize { get; }

    internal sqlite3_vfs* Native { get; private set; }

    internal sqlite3_io_methods* MainFileMethods { get; private set; }

    /// <summary>Journals and temporary files with names, so xAccess and xDelete find them.</summary>
    internal ConcurrentDictionary<string, MemoryFile.MemoryFileData> Files { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Registers a VFS with SQLite, once per name: later calls with the same name return the first
    /// registration. Generated code calls this from a static initializer; it is thread-safe.
    /// </summary>
    /// <param name="name">The VFS name.</param>
    /// <param name="pageSize">The compiled-in page size, or 0 when it comes from the store.</param>
    /// <param name="vfsMethods">The VFS entry points (xOpen, xDelete, xAccess, xFullPathname).</param>
    /// <param name="mainFileMethods">The entry points for main database files.</param>
    public static VfsRegistration Register(string name, int pageSize, in VfsMethods vfsMethods, in sqlite3_io_methods mainFileMethods)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (ByName.TryGetValue(name, out var existing))
        {
            return existing;
        }
        lock (RegisterLock)
        {
            if (ByName.TryGetValue(name, out existing))
            {
                return existing;
            }
            FolioRuntime.EnsureProvider();
            var registration = new VfsRegistration(name, pageSize);
            registration.RegisterNative(vfsMethods, mainFileMethods);
            ByName[name] = registration;
            return registration;
        }
    }

    /// <summary>Finds a registration by name.</summary>
    public static VfsRegistration? Find(string name) => ByName.TryGetValue(name, out var r) ? r : null;

    internal static VfsRegistration From(sqlite3_vfs* vfs) => (VfsRegistration)GCHandle.FromIntPtr((nint)vfs->pAppData).Target!;

    private void RegisterNative(in VfsMethods vfsMethods, in sqlite3_io_methods mainFileMethods)
    {
        var methods = (sqlite3_io_methods*)NativeMemory.AllocZeroed((nuint)sizeof(sqlite3_io_methods));
        *methods = mainFileMethods;
        methods->iVersion = 1;
        MainFileMethods = methods;

        // Dynamic loading, randomness, sleeping and time are the platform's business: borrow the
        // default VFS's implementations, which ignore their VFS argument.
        var platform = SqliteNative.sqlite3_vfs_find(null);
        if (platform is null)
        {
            throw new InvalidOperationException("SQLite has no default VFS to take platform services from.");
        }

        var nameBytes = Encoding.UTF8.GetBytes(Name + "\0");
        var zName = (byte*)NativeMemory.Alloc((nuint)nameBytes.Length);
        nameBytes.CopyTo(new Span<byte>(zName, nameBytes.Length));

        var vfs = (sqlite3_vfs*)NativeMemory.AllocZeroed((nuint)sizeof(sqlite3_vfs));
        vfs->iVersion = 2;
        vfs->szOsFile = sizeof(sqlite3_file);
        vfs->mxPathname = 1024;
        vfs->zName = zName;
        vfs->pAppData = (void*)GCHandle.ToIntPtr(GCHandle.Alloc(this));
        vfs->xOpen = vfsMethods.xOpen;
        vfs->xDelete = vfsMethods.xDelete;
        vfs->xAccess = vfsMethods.xAccess;
        vfs->xFullPathname = vfsMethods.xFullPathname;
        vfs->xDlOpen = platform->xDlOpen;
        vfs->xDlError = platform->xDlError;
        vfs->xDlSym = platform->xDlSym;
        vfs->xDlClose = platform->xDlClose;
        vfs->xRandomness = platform->xRandomness;
        vfs->xSleep = platform->xSleep;
        vfs->xCurrentTime = platform->xCurrentTime;
        vfs->xGetLastError = platform->xGetLastError;
        vfs->xCurrentTimeInt64 = platform->iVersion >= 2 ? platform->xCurrentTimeInt64 : null;
        Native = vfs;

        var rc = SqliteNative.sqlite3_vfs_register(vfs, 0);
        if (rc != SqliteConstants.SQLITE_OK)
        {
            throw new InvalidOperationException($"sqlite3_vfs_register('{Name}') failed with SQLite code {rc}.");
        }
    }

    /// <summary>
    /// Makes <paramref name="store"/> openable through this VFS under <paramref name="name"/>.
    /// When another store already holds the name, this one is attached as <c>name~2</c>,
    /// <c>name~3</c>…: two store instances are never one attachment, and whether they are one
    /// database is decided by identity (<see cref="DatabaseState"/>), not by name. With
    /// <paramref name="exactName"/> (the caller chose the name) a name held by another database is
    /// refused instead.
    /// </summary>
    internal SharedDatabase Attach(string name, IPageStore store, FolioOptions options, bool exactName)
    {
        if (PageSize != 0 && store.PageSize != PageSize)
        {
            throw new PageSizeMismatchException(name, store.PageSize, PageSize);
        }
        var head = store.GetHead();
        lock (_attachLock)
        {
            for (var n = 1; ; n++)
            {
                var candidate = n == 1 ? name : $"{name}~{n}";
                if (_databases.TryGetValue(candidate, out var shared))
                {
                    if (ReferenceEquals(shared.Store, store))
                    {
                        shared.AttachCount++;
                        return shared;
                    }
                    if (exactName && shared.State.Lineage.DatabaseId != head.Lineage.DatabaseId)
                    {
                        throw new InvalidOperationException(
                            $"VFS '{Name}' already has a database named '{name}' (identity {shared.State.Lineage.DatabaseId:D}) and this store holds another one (identity {head.Lineage.DatabaseId:D}); give this one another name (FolioOptions.Name).");
                    }
                    continue;
                }
                shared = new SharedDatabase(candidate, store, head, options) { AttachCount = 1 };
                _databases[candidate] = shared;
                return shared;
            }
        }
    }

    internal void Detach(SharedDatabase shared)
    {
        lock (_attachLock)
        {
            if (--shared.AttachCount > 0)
            {
                return;
            }
            _databases.TryRemove(new KeyValuePair<string, SharedDatabase>(shared.Name, shared));
            Files.TryRemove(shared.Name + "-journal", out _);
        }
        shared.State.Release();
    }

    internal SharedDatabase? FindDatabase(string name) => _databases.TryGetValue(name, out var db) ? db : null;

    /// <summary>True for an attached database, or an in-memory file that holds bytes (an empty journal counts as absent). A <paramref name="journal"/> name is only ever a file.</summary>
    internal bool Exists(ReadOnlySpan<char> name, bool journal = false) =>
        (!journal && _databases.GetAlternateLookup<ReadOnlySpan<char>>().ContainsKey(name))
        || (Files.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out var data) && data.Size > 0);
}

/// <summary>The four VFS entry points a registration needs from its thunks.</summary>
/// <remarks>Meant for the code Folio's generator writes, not for applications.</remarks>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public unsafe struct VfsMethods
{
    /// <summary>xOpen.</summary>
    public delegate* unmanaged<sqlite3_vfs*, byte*, sqlite3_file*, int, int*, int> xOpen;
    /// <summary>xDelete.</summary>
    public delegate* unmanaged<sqlite3_vfs*, byte*, int, int> xDelete;
    /// <summary>xAccess.</summary>
    public delegate* unmanaged<sqlite3_vfs*, byte*, int, int*, int> xAccess;
    /// <summary>xFullPathname.</summary>
    public delegate* unmanaged<sqlite3_vfs*, byte*, int, byte*, int> xFullPathname;
}
