using System.Runtime.InteropServices;

namespace Folio.Interop;

// Layouts of SQLite's VFS structures, field for field as in sqlite3.h. They are public because
// generated code builds them; they carry no behaviour.

/// <summary>SQLite's <c>sqlite3_vfs</c> (version 2 layout; the version 3 system-call slots are left null).</summary>
/// <remarks>Meant for the code Folio's generator writes, not for applications.</remarks>
[StructLayout(LayoutKind.Sequential)]
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public unsafe struct sqlite3_vfs
{
    /// <summary>Structure version.</summary>
    public int iVersion;
    /// <summary>Size of the <c>sqlite3_file</c> subclass SQLite allocates for each open file.</summary>
    public int szOsFile;
    /// <summary>Maximum path length.</summary>
    public int mxPathname;
    /// <summary>Next registered VFS (owned by SQLite).</summary>
    public sqlite3_vfs* pNext;
    /// <summary>The VFS name (UTF-8, NUL-terminated).</summary>
    public byte* zName;
    /// <summary>Application data: a GC handle of the Folio registration.</summary>
    public void* pAppData;
    /// <summary>xOpen.</summary>
    public delegate* unmanaged<sqlite3_vfs*, byte*, sqlite3_file*, int, int*, int> xOpen;
    /// <summary>xDelete.</summary>
    public delegate* unmanaged<sqlite3_vfs*, byte*, int, int> xDelete;
    /// <summary>xAccess.</summary>
    public delegate* unmanaged<sqlite3_vfs*, byte*, int, int*, int> xAccess;
    /// <summary>xFullPathname.</summary>
    public delegate* unmanaged<sqlite3_vfs*, byte*, int, byte*, int> xFullPathname;
    /// <summary>xDlOpen.</summary>
    public void* xDlOpen;
    /// <summary>xDlError.</summary>
    public void* xDlError;
    /// <summary>xDlSym.</summary>
    public void* xDlSym;
    /// <summary>xDlClose.</summary>
    public void* xDlClose;
    /// <summary>xRandomness.</summary>
    public void* xRandomness;
    /// <summary>xSleep.</summary>
    public void* xSleep;
    /// <summary>xCurrentTime.</summary>
    public void* xCurrentTime;
    /// <summary>xGetLastError.</summary>
    public void* xGetLastError;
    /// <summary>xCurrentTimeInt64.</summary>
    public void* xCurrentTimeInt64;
    /// <summary>xSetSystemCall (unused).</summary>
    public void* xSetSystemCall;
    /// <summary>xGetSystemCall (unused).</summary>
    public void* xGetSystemCall;
    /// <summary>xNextSystemCall (unused).</summary>
    public void* xNextSystemCall;
}

/// <summary>SQLite's <c>sqlite3_io_methods</c>, version 1: no shared memory, hence no WAL.</summary>
/// <remarks>Meant for the code Folio's generator writes, not for applications.</remarks>
[StructLayout(LayoutKind.Sequential)]
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public unsafe struct sqlite3_io_methods
{
    /// <summary>Structure version (1).</summary>
    public int iVersion;
    /// <summary>xClose.</summary>
    public delegate* unmanaged<sqlite3_file*, int> xClose;
    /// <summary>xRead.</summary>
    public delegate* unmanaged<sqlite3_file*, void*, int, long, int> xRead;
    /// <summary>xWrite.</summary>
    public delegate* unmanaged<sqlite3_file*, void*, int, long, int> xWrite;
    /// <summary>xTruncate.</summary>
    public delegate* unmanaged<sqlite3_file*, long, int> xTruncate;
    /// <summary>xSync.</summary>
    public delegate* unmanaged<sqlite3_file*, int, int> xSync;
    /// <summary>xFileSize.</summary>
    public delegate* unmanaged<sqlite3_file*, long*, int> xFileSize;
    /// <summary>xLock.</summary>
    public delegate* unmanaged<sqlite3_file*, int, int> xLock;
    /// <summary>xUnlock.</summary>
    public delegate* unmanaged<sqlite3_file*, int, int> xUnlock;
    /// <summary>xCheckReservedLock.</summary>
    public delegate* unmanaged<sqlite3_file*, int*, int> xCheckReservedLock;
    /// <summary>xFileControl.</summary>
    public delegate* unmanaged<sqlite3_file*, int, void*, int> xFileControl;
    /// <summary>xSectorSize.</summary>
    public delegate* unmanaged<sqlite3_file*, int> xSectorSize;
    /// <summary>xDeviceCharacteristics.</summary>
    public delegate* unmanaged<sqlite3_file*, int> xDeviceCharacteristics;
    /// <summary>xShmMap (null: version 1).</summary>
    public void* xShmMap;
    /// <summary>xShmLock (null: version 1).</summary>
    public void* xShmLock;
    /// <summary>xShmBarrier (null: version 1).</summary>
    public void* xShmBarrier;
    /// <summary>xShmUnmap (null: version 1).</summary>
    public void* xShmUnmap;
    /// <summary>xFetch (null: version 1).</summary>
    public void* xFetch;
    /// <summary>xUnfetch (null: version 1).</summary>
    public void* xUnfetch;
}

/// <summary>
/// Folio's <c>sqlite3_file</c> subclass: SQLite's method pointer followed by a GC handle of the
/// managed object that serves the file.
/// Meant for the code Folio's generator writes, not for applications.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public unsafe struct sqlite3_file
{
    /// <summary>The methods SQLite calls on this file; null when the open failed.</summary>
    public sqlite3_io_methods* pMethods;
    /// <summary>A <see cref="GCHandle"/> of the file's managed state.</summary>
    public nint handle;
}
