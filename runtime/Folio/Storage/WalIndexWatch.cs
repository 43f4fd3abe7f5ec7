using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;
using Folio.Interop;
using SQLitePCL;

namespace Folio.Storage;

/// <summary>
/// Tells, without a lock or a system call, whether anything committed to an outer file since a
/// moment: by reading the WAL-index header SQLite keeps in the first bytes of the file's
/// <c>-shm</c> (two 48-byte copies that every commit rewrites: frame count, salts, checksums; see
/// SQLite's walformat.html). SQLite's own readers read it the same way before they take a lock.
/// </summary>
/// <remarks>
/// The watch keeps a connection of its own open on the file, which holds SQLite's shared lock on
/// the <c>-shm</c>: no process can truncate it (SQLite only does when it is the first to open the
/// file), so the mapped bytes stay valid for the watch's whole life. A header whose two copies
/// differ (a commit in the middle of writing it) counts as changed.
/// </remarks>
internal sealed unsafe class WalIndexWatch : IDisposable
{
    private const int HeaderSize = 48;

    private readonly sqlite3 _keeper;
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _header;
    private int _disposed;

    // Reads in progress, which Dispose waits for before it unmaps: one counter per stripe of
    // threads, each on its own cache line, so reads on parallel threads do not contend on one.
    private const int Stripes = 8;
    private const int StripeSpacing = 16; // ints: 64 bytes
    private readonly int[] _users = new int[(Stripes + 1) * StripeSpacing];

    private WalIndexWatch(sqlite3 keeper, MemoryMappedFile map, MemoryMappedViewAccessor view)
    {
        _keeper = keeper;
        _map = map;
        _view = view;
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _header = pointer + view.PointerOffset;
    }

    /// <summary>Maps the <c>-shm</c> of the outer file at <paramref name="path"/>; null when it cannot (no WAL index yet, another platform's layout).</summary>
    public static WalIndexWatch? TryOpen(string path)
    {
        sqlite3? keeper = null;
        FileStream? stream = null;
        try
        {
            if (raw.sqlite3_open_v2(path, out keeper, SqliteConstants.SQLITE_OPEN_READONLY | SqliteConstants.SQLITE_OPEN_NOMUTEX, null) != SqliteConstants.SQLITE_OK
                || raw.sqlite3_exec(keeper, "SELECT count(*) FROM sqlite_schema") != SqliteConstants.SQLITE_OK)
            {
                keeper?.Dispose();
                return null; // the -shm is opened, and its shared lock taken, by the first read
            }
            stream = new FileStream(path + "-shm", FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length < 2 * HeaderSize)
            {
                stream.Dispose();
                keeper.Dispose();
                return null;
            }
            var map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            return new WalIndexWatch(keeper, map, map.CreateViewAccessor(0, 2 * HeaderSize, MemoryMappedFileAccess.Read));
        }
        catch (IOException)
        {
            stream?.Dispose();
            keeper?.Dispose();
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            stream?.Dispose();
            keeper?.Dispose();
            return null;
        }
    }

    /// <summary>Reads the header; false when its two copies differ or it is not initialised (treat as changed).</summary>
    public bool TryRead(out WalIndexHeader header)
    {
        header = default;
        ref var users = ref _users[(1 + (Environment.CurrentManagedThreadId & (Stripes - 1))) * StripeSpacing];
        Interlocked.Increment(ref users); // a full fence: either Dispose sees this count, or this read sees _disposed set
        try
        {
            if (Volatile.Read(ref _disposed) != 0)
            {
                return false;
            }
            var first = Read(_header);
            Interlocked.MemoryBarrier();
            var second = Read(_header + HeaderSize);
            // isInit is byte 12 of the header; an index being rebuilt says 0.
            if (first != second || _header[12] == 0)
            {
                return false;
            }
            header = first;
            return true;
        }
        finally
        {
            Interlocked.Decrement(ref users);
        }
    }

    private static WalIndexHeader Read(byte* p) => new(
        Volatile.Read(ref Unsafe.AsRef<ulong>(p)), Volatile.Read(ref Unsafe.AsRef<ulong>(p + 8)), Volatile.Read(ref Unsafe.AsRef<ulong>(p + 16)),
        Volatile.Read(ref Unsafe.AsRef<ulong>(p + 24)), Volatile.Read(ref Unsafe.AsRef<ulong>(p + 32)), Volatile.Read(ref Unsafe.AsRef<ulong>(p + 40)));

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        var wait = new SpinWait();
        for (var stripe = 1; stripe <= Stripes; stripe++)
        {
            while (Volatile.Read(ref _users[stripe * StripeSpacing]) != 0)
            {
                wait.SpinOnce(); // a read started before the flag was set finishes on mapped bytes
            }
        }
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
        _keeper.Dispose();
    }
}

/// <summary>The 48 bytes of a WAL-index header, compared whole.</summary>
internal readonly record struct WalIndexHeader(ulong A, ulong B, ulong C, ulong D, ulong E, ulong F)
{
    /// <summary>The WAL's valid frames (<c>mxFrame</c>, the 32-bit word at byte 16, in the machine's byte order as SQLite writes it).</summary>
    public uint FrameCount => BitConverter.IsLittleEndian ? (uint)C : (uint)(C >> 32);
}
