using System.Runtime.InteropServices;
using System.Text;
using Folio.Interop;
using Folio.Storage;
using static Folio.Interop.SqliteConstants;

namespace Folio.Vfs;

/// <summary>
/// The implementation behind every slot of a Folio VFS, specialised over the store type and the
/// page size. Generated thunks (<c>[UnmanagedCallersOnly]</c>, which cannot be generic) forward
/// here one to one; so does the runtime's general-purpose VFS.
/// Meant for the code Folio's generator writes, not for applications.
/// </summary>
/// <remarks>
/// No exception may cross back into SQLite: every entry point catches, records the exception in
/// <see cref="VfsErrors"/> for the API call that sees SQLite's error, and returns a result code.
/// </remarks>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static unsafe class PagedVfs<TStore, TPageSize>
    where TStore : class, IPageStore
    where TPageSize : struct, IPageSize
{
    // ---- sqlite3_vfs ------------------------------------------------------------------------

    /// <summary>xOpen: main databases come from the attached stores; everything else lives in memory.</summary>
    public static int Open(sqlite3_vfs* vfs, byte* zName, sqlite3_file* file, int flags, int* outFlags)
    {
        file->pMethods = null;
        file->handle = 0;
        try
        {
            var registration = VfsRegistration.From(vfs);
            var name = zName is null ? null : Marshal.PtrToStringUTF8((nint)zName);
            if ((flags & SQLITE_OPEN_MAIN_DB) != 0)
            {
                var db = name is null ? null : registration.FindDatabase(name);
                if (db is null)
                {
                    VfsErrors.Report(new InvalidOperationException(
                        $"VFS '{registration.Name}' has no database named '{name}': attach its store first (FolioDatabase.Open)."), SQLITE_CANTOPEN);
                    return SQLITE_CANTOPEN;
                }
                new MainFile<TStore, TPageSize>(db).Attach(file, registration.MainFileMethods);
                if (db.Store is PastVersionStore && outFlags is not null)
                {
                    // A past version is read-only: SQLite refuses writes before any reach the VFS.
                    *outFlags = (flags & ~(SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) | SQLITE_OPEN_READONLY;
                    return SQLITE_OK;
                }
            }
            else
            {
                MemoryFileMethods.Open(registration, name, flags, file);
            }
            if (outFlags is not null)
            {
                *outFlags = flags;
            }
            return SQLITE_OK;
        }
        catch (Exception e)
        {
            VfsFile.Detach(file);
            file->pMethods = null;
            return VfsErrors.Report(e, SQLITE_CANTOPEN);
        }
    }

    /// <summary>xDelete: only in-memory files can be deleted; a main database is deleted through its store.</summary>
    public static int Delete(sqlite3_vfs* vfs, byte* zName, int syncDir)
    {
        try
        {
            var registration = VfsRegistration.From(vfs);
            var name = Marshal.PtrToStringUTF8((nint)zName)!;
            registration.Files.TryRemove(name, out _);
            return SQLITE_OK;
        }
        catch (Exception e)
        {
            return VfsErrors.Report(e, SQLITE_IOERR_DELETE);
        }
    }

    /// <summary>xAccess: a journal exists only while it holds bytes, so no read ever sees a "hot journal" to probe.</summary>
    public static int Access(sqlite3_vfs* vfs, byte* zName, int flags, int* result)
    {
        try
        {
            // SQLite asks at the start of every read transaction whether a hot journal exists,
            // and whether a WAL file does: answer without allocating a string. WAL is refused
            // (see MainFile.Pragma), so a "-wal" file never exists; a journal is an in-memory
            // file that exists while it holds bytes, never a database.
            var bytes = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(zName);
            if (bytes.EndsWith("-wal"u8))
            {
                *result = 0;
                return SQLITE_OK;
            }
            var registration = VfsRegistration.From(vfs);
            var chars = bytes.Length <= 1024 ? stackalloc char[bytes.Length] : new char[bytes.Length];
            var name = chars[..Encoding.UTF8.GetChars(bytes, chars)];
            *result = registration.Exists(name, journal: bytes.EndsWith("-journal"u8)) ? 1 : 0;
            return SQLITE_OK;
        }
        catch (Exception e)
        {
            return VfsErrors.Report(e, SQLITE_IOERR_ACCESS);
        }
    }

    /// <summary>xFullPathname: names are keys, not paths; they pass through unchanged.</summary>
    public static int FullPathname(sqlite3_vfs* vfs, byte* zName, int nOut, byte* zOut)
    {
        var length = 0;
        while (zName[length] != 0)
        {
            length++;
        }
        if (length + 1 > nOut)
        {
            return SQLITE_CANTOPEN;
        }
        Buffer.MemoryCopy(zName, zOut, nOut, length + 1);
        return SQLITE_OK;
    }

    // ---- sqlite3_io_methods of a main database file -----------------------------------------

    /// <summary>xClose.</summary>
    public static int Close(sqlite3_file* file)
    {
        try
        {
            Main(file).Close();
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

    /// <summary>xRead of any offset and length.</summary>
    public static int Read(sqlite3_file* file, void* buffer, int amount, long offset)
    {
        try
        {
            return Main(file).Read(new Span<byte>(buffer, amount), offset);
        }
        catch (Exception e)
        {
            return VfsErrors.Report(e, SQLITE_IOERR_READ);
        }
    }

    /// <summary>xWrite of any offset and length, into the transaction buffer.</summary>
    public static int Write(sqlite3_file* file, void* buffer, int amount, long offset)
    {
        try
        {
            Main(file).Write(new ReadOnlySpan<byte>(buffer, amount), offset);
            return SQLITE_OK;
        }
        catch (Exception e)
        {
            return VfsErrors.Report(e, SQLITE_IOERR_WRITE);
        }
    }

    /// <summary>xTruncate.</summary>
    public static int Truncate(sqlite3_file* file, long size)
    {
        try
        {
            Main(file).Truncate(size);
            return SQLITE_OK;
        }
        catch (Exception e)
        {
            return VfsErrors.Report(e, SQLITE_IOERR_TRUNCATE);
        }
    }

    /// <summary>xSync: the commit point (when SQLITE_FCNTL_SYNC has not already published the transaction).</summary>
    public static int Sync(sqlite3_file* file, int flags)
    {
        try
        {
            Main(file).Sync();
            return SQLITE_OK;
        }
        catch (Exception e)
        {
            return VfsErrors.Report(e, SQLITE_IOERR_FSYNC);
        }
    }

    /// <summary>xFileSize.</summary>
    public static int FileSize(sqlite3_file* file, long* size)
    {
        try
        {
            *size = Main(file).FileSize();
            return SQLITE_OK;
        }
        catch (Exception e)
        {
            return VfsErrors.Report(e, SQLITE_IOERR_FSTAT);
        }
    }

    /// <summary>xLock: SHARED pins a store version.</summary>
    public static int Lock(sqlite3_file* file, int level)
    {
        try
        {
            return Main(file).Lock(level) ? SQLITE_OK : SQLITE_BUSY;
        }
        catch (Exception e)
        {
            return VfsErrors.Report(e, SQLITE_IOERR_LOCK);
        }
    }

    /// <summary>xUnlock: below RESERVED discards a transaction that reached no commit point; NONE ends the read.</summary>
    public static int Unlock(sqlite3_file* file, int level)
    {
        try
        {
            Main(file).Unlock(level);
            return SQLITE_OK;
        }
        catch (Exception e)
        {
            return VfsErrors.Report(e, SQLITE_IOERR_UNLOCK);
        }
    }

    /// <summary>xCheckReservedLock.</summary>
    public static int CheckReservedLock(sqlite3_file* file, int* result)
    {
        try
        {
            *result = Main(file).IsReserved ? 1 : 0;
            return SQLITE_OK;
        }
        catch (Exception e)
        {
            return VfsErrors.Report(e, SQLITE_IOERR_CHECKRESERVEDLOCK);
        }
    }

    /// <summary>xFileControl: SQLITE_FCNTL_SYNC is the commit point; SQLITE_FCNTL_PRAGMA answers <c>folio_*</c> pragmas and refuses WAL.</summary>
    public static int FileControl(sqlite3_file* file, int op, void* arg)
    {
        try
        {
            switch (op)
            {
                case SQLITE_FCNTL_SYNC:
                    Main(file).Sync();
                    return SQLITE_OK;
                case SQLITE_FCNTL_PRAGMA:
                    return Pragma(Main(file), (byte**)arg);
                default:
                    return SQLITE_NOTFOUND;
            }
        }
        catch (Exception e)
        {
            return VfsErrors.Report(e, op == SQLITE_FCNTL_SYNC ? SQLITE_IOERR_FSYNC : SQLITE_ERROR);
        }
    }

    /// <summary>xSectorSize.</summary>
    public static int SectorSize(sqlite3_file* file) => 512;

    /// <summary>
    /// xDeviceCharacteristics: only what the commit protocol guarantees. Writes of one page never
    /// disturb another (POWERSAFE_OVERWRITE) and a transaction reaches the store whole and in
    /// order (SEQUENTIAL).
    /// </summary>
    public static int DeviceCharacteristics(sqlite3_file* file) => SQLITE_IOCAP_POWERSAFE_OVERWRITE | SQLITE_IOCAP_SEQUENTIAL;

    private static MainFile<TStore, TPageSize> Main(sqlite3_file* file) => VfsFile.From<MainFile<TStore, TPageSize>>(file);

    // azArg[0] receives a result or error message (allocated with sqlite3_malloc), azArg[1] is the
    // pragma's name, azArg[2] its argument or null.
    private static int Pragma(MainFile<TStore, TPageSize> main, byte** azArg)
    {
        var name = Marshal.PtrToStringUTF8((nint)azArg[1]) ?? "";
        var value = azArg[2] is null ? null : Marshal.PtrToStringUTF8((nint)azArg[2]);
        string? answer;
        try
        {
            answer = main.Pragma(name, value);
        }
        catch (NotSupportedException e)
        {
            azArg[0] = SqliteString(e.Message);
            return SQLITE_ERROR;
        }
        if (answer is null)
        {
            return SQLITE_NOTFOUND;
        }
        azArg[0] = SqliteString(answer);
        return SQLITE_OK;
    }

    private static byte* SqliteString(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var memory = (byte*)SqliteNative.sqlite3_malloc(bytes.Length + 1);
        if (memory is null)
        {
            return null;
        }
        bytes.CopyTo(new Span<byte>(memory, bytes.Length));
        memory[bytes.Length] = 0;
        return memory;
    }
}
