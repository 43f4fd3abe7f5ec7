using System.Runtime.InteropServices;

namespace Folio.Interop;

/// <summary>
/// The few e_sqlite3 exports SQLitePCLRaw does not wrap: VFS registration and SQLite's allocator
/// (error messages handed back to SQLite must come from it).
/// </summary>
internal static unsafe partial class SqliteNative
{
    private const string Library = "e_sqlite3";

    [LibraryImport(Library)]
    internal static partial int sqlite3_vfs_register(sqlite3_vfs* vfs, int makeDefault);

    [LibraryImport(Library)]
    internal static partial int sqlite3_vfs_unregister(sqlite3_vfs* vfs);

    [LibraryImport(Library)]
    internal static partial sqlite3_vfs* sqlite3_vfs_find(byte* name);

    [LibraryImport(Library)]
    internal static partial void* sqlite3_malloc(int size);
}
