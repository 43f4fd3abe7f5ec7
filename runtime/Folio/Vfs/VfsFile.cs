using System.Runtime.InteropServices;
using Folio.Interop;

namespace Folio.Vfs;

/// <summary>The managed state behind one <c>sqlite3_file</c> SQLite opened through a Folio VFS.</summary>
internal abstract unsafe class VfsFile
{
    /// <summary>Finds the managed state of <paramref name="file"/> from the GC handle stored in it.</summary>
    public static T From<T>(sqlite3_file* file) where T : VfsFile => (T)GCHandle.FromIntPtr(file->handle).Target!;

    /// <summary>Stores a GC handle of this object in <paramref name="file"/> with <paramref name="methods"/>.</summary>
    public void Attach(sqlite3_file* file, sqlite3_io_methods* methods)
    {
        file->handle = GCHandle.ToIntPtr(GCHandle.Alloc(this));
        file->pMethods = methods;
    }

    /// <summary>Frees the GC handle stored in <paramref name="file"/>.</summary>
    public static void Detach(sqlite3_file* file)
    {
        if (file->handle != 0)
        {
            GCHandle.FromIntPtr(file->handle).Free();
            file->handle = 0;
        }
    }
}
