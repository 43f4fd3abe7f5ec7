using System.Runtime.InteropServices;
using Folio.Interop;
using Folio.Storage;
using Impl = Folio.Vfs.PagedVfs<Folio.Storage.IPageStore, Folio.Vfs.RuntimePageSize>;

namespace Folio.Vfs;

/// <summary>
/// The runtime's own VFS, named <c>folio</c>: any store, any page size, chosen at run time. Tools,
/// tests and <see cref="FolioDatabase"/> use it; generated code
/// registers VFSs specialised for one store type and page size, with thunks of the same shape.
/// </summary>
internal static unsafe class GeneralVfs
{
    public const string Name = "folio";

    private static VfsRegistration? _registration;

    public static VfsRegistration Registration => _registration ??= Register();

    private static VfsRegistration Register()
    {
        var vfs = new VfsMethods
        {
            xOpen = &Open,
            xDelete = &Delete,
            xAccess = &Access,
            xFullPathname = &FullPathname,
        };
        var io = new sqlite3_io_methods
        {
            iVersion = 1,
            xClose = &Close,
            xRead = &Read,
            xWrite = &Write,
            xTruncate = &Truncate,
            xSync = &Sync,
            xFileSize = &FileSize,
            xLock = &Lock,
            xUnlock = &Unlock,
            xCheckReservedLock = &CheckReservedLock,
            xFileControl = &FileControl,
            xSectorSize = &SectorSize,
            xDeviceCharacteristics = &DeviceCharacteristics,
        };
        return VfsRegistration.Register(Name, 0, vfs, io);
    }

    [UnmanagedCallersOnly]
    private static int Open(sqlite3_vfs* vfs, byte* name, sqlite3_file* file, int flags, int* outFlags) => Impl.Open(vfs, name, file, flags, outFlags);

    [UnmanagedCallersOnly]
    private static int Delete(sqlite3_vfs* vfs, byte* name, int syncDir) => Impl.Delete(vfs, name, syncDir);

    [UnmanagedCallersOnly]
    private static int Access(sqlite3_vfs* vfs, byte* name, int flags, int* result) => Impl.Access(vfs, name, flags, result);

    [UnmanagedCallersOnly]
    private static int FullPathname(sqlite3_vfs* vfs, byte* name, int nOut, byte* zOut) => Impl.FullPathname(vfs, name, nOut, zOut);

    [UnmanagedCallersOnly]
    private static int Close(sqlite3_file* file) => Impl.Close(file);

    [UnmanagedCallersOnly]
    private static int Read(sqlite3_file* file, void* buffer, int amount, long offset) => Impl.Read(file, buffer, amount, offset);

    [UnmanagedCallersOnly]
    private static int Write(sqlite3_file* file, void* buffer, int amount, long offset) => Impl.Write(file, buffer, amount, offset);

    [UnmanagedCallersOnly]
    private static int Truncate(sqlite3_file* file, long size) => Impl.Truncate(file, size);

    [UnmanagedCallersOnly]
    private static int Sync(sqlite3_file* file, int flags) => Impl.Sync(file, flags);

    [UnmanagedCallersOnly]
    private static int FileSize(sqlite3_file* file, long* size) => Impl.FileSize(file, size);

    [UnmanagedCallersOnly]
    private static int Lock(sqlite3_file* file, int level) => Impl.Lock(file, level);

    [UnmanagedCallersOnly]
    private static int Unlock(sqlite3_file* file, int level) => Impl.Unlock(file, level);

    [UnmanagedCallersOnly]
    private static int CheckReservedLock(sqlite3_file* file, int* result) => Impl.CheckReservedLock(file, result);

    [UnmanagedCallersOnly]
    private static int FileControl(sqlite3_file* file, int op, void* arg) => Impl.FileControl(file, op, arg);

    [UnmanagedCallersOnly]
    private static int SectorSize(sqlite3_file* file) => Impl.SectorSize(file);

    [UnmanagedCallersOnly]
    private static int DeviceCharacteristics(sqlite3_file* file) => Impl.DeviceCharacteristics(file);
}
