using System.Runtime.InteropServices;
using Folio.Interop;
using static Folio.Interop.SqliteConstants;

namespace Folio.Vfs;

/// <summary>
/// The io_methods of journals and temporary files, which every Folio VFS keeps in memory. They do
/// not depend on the store or the page size, so one non-generic table serves every VFS.
/// </summary>
internal static unsafe class MemoryFileMethods
{
    private static readonly sqlite3_io_methods* Table = CreateTable();

    public static void Open(VfsRegistration registration, string? name, int flags, sqlite3_file* file)
    {
        MemoryFile.MemoryFileData data;
        var deleteOnClose = (flags & SQLITE_OPEN_DELETEONCLOSE) != 0;
        if (name is null)
        {
            data = new MemoryFile.MemoryFileData();
            deleteOnClose = true;
        }
        else
        {
            data = registration.Files.GetOrAdd(name, static _ => new MemoryFile.MemoryFileData());
        }
        new MemoryFile(data, deleteOnClose, name is null ? null : registration.Files, name).Attach(file, Table);
    }

    private static sqlite3_io_methods* CreateTable()
    {
        var table = (sqlite3_io_methods*)NativeMemory.AllocZeroed((nuint)sizeof(sqlite3_io_methods));
        table->iVersion = 1;
        table->xClose = &Close;
        table->xRead = &Read;
        table->xWrite = &Write;
        table->xTruncate = &Truncate;
        table->xSync = &Sync;
        table->xFileSize = &FileSize;
        table->xLock = &Lock;
        table->xUnlock = &Lock;
        table->xCheckReservedLock = &CheckReservedLock;
        table->xFileControl = &FileControl;
        table->xSectorSize = &SectorSize;
        table->xDeviceCharacteristics = &DeviceCharacteristics;
        return table;
    }

    [UnmanagedCallersOnly]
    private static int Close(sqlite3_file* file)
    {
        try
        {
            VfsFile.From<MemoryFile>(file).Close();
            return SQLITE_OK;
        }
        catch (Exception e)
        {
            return VfsErrors.Report(e, SQLITE_IOERR_CLOSE);
        }
        finally
        {
            VfsFile.Detach(file);
        }
    }

    [UnmanagedCallersOnly]
    private static int Read(sqlite3_file* file, void* buffer, int amount, long offset)
    {
        try
        {
            return VfsFile.From<MemoryFile>(file).Data.Read(new Span<byte>(buffer, amount), offset);
        }
        catch (Exception e)
        {
            return VfsErrors.Report(e, SQLITE_IOERR_READ);
        }
    }

    [UnmanagedCallersOnly]
    private static int Write(sqlite3_file* file, void* buffer, int amount, long offset)
    {
        try
        {
            VfsFile.From<MemoryFile>(file).Data.Write(new ReadOnlySpan<byte>(buffer, amount), offset);
            return SQLITE_OK;
        }
        catch (Exception e)
        {
            return VfsErrors.Report(e, SQLITE_IOERR_WRITE);
        }
    }

    [UnmanagedCallersOnly]
    private static int Truncate(sqlite3_file* file, long size)
    {
        try
        {
            VfsFile.From<MemoryFile>(file).Data.Truncate(size);
            return SQLITE_OK;
        }
        catch (Exception e)
        {
            return VfsErrors.Report(e, SQLITE_IOERR_TRUNCATE);
        }
    }

    [UnmanagedCallersOnly]
    private static int Sync(sqlite3_file* file, int flags) => SQLITE_OK;

    [UnmanagedCallersOnly]
    private static int FileSize(sqlite3_file* file, long* size)
    {
        try
        {
            *size = VfsFile.From<MemoryFile>(file).Data.Size;
            return SQLITE_OK;
        }
        catch (Exception e)
        {
            return VfsErrors.Report(e, SQLITE_IOERR_FSTAT);
        }
    }

    // Journals and temporary files are private to one connection (SQLite holds the main file's
    // lock while it uses them), so their locks are no-ops.
    [UnmanagedCallersOnly]
    private static int Lock(sqlite3_file* file, int level) => SQLITE_OK;

    [UnmanagedCallersOnly]
    private static int CheckReservedLock(sqlite3_file* file, int* result)
    {
        *result = 0;
        return SQLITE_OK;
    }

    [UnmanagedCallersOnly]
    private static int FileControl(sqlite3_file* file, int op, void* arg) => SQLITE_NOTFOUND;

    [UnmanagedCallersOnly]
    private static int SectorSize(sqlite3_file* file) => 512;

    [UnmanagedCallersOnly]
    private static int DeviceCharacteristics(sqlite3_file* file) => SQLITE_IOCAP_POWERSAFE_OVERWRITE | SQLITE_IOCAP_SEQUENTIAL | SQLITE_IOCAP_SAFE_APPEND;
}
