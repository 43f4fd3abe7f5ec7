using Folio.Storage;
using static Folio.Interop.SqliteConstants;

namespace Folio.Vfs;

/// <summary>
/// Carries the exception behind a VFS failure from the callback (where only a result code can
/// cross back into SQLite) to the API call that sees SQLite's error, on the same thread.
/// </summary>
public static class VfsErrors
{
    [ThreadStatic]
    private static Exception? _last;

    /// <summary>Returns and forgets the exception behind this thread's last VFS failure, if any.</summary>
    public static Exception? TakeLastError()
    {
        var last = _last;
        _last = null;
        return last;
    }

    /// <summary>Forgets any recorded failure (called before a statement runs).</summary>
    public static void Clear() => _last = null;

    /// <summary>Records <paramref name="error"/> and returns the SQLite result code that stands for it.</summary>
    internal static int Report(Exception error, int ioErrorCode)
    {
        _last = error;
        return error switch
        {
            StoreConflictException => SQLITE_BUSY,
            // Page 0 is read as a transaction starts, where SQLite answers SQLITE_BUSY with its busy
            // handler (sleeping the thread): an I/O error ends that start at once. Any other page:
            // not IOERR, which SQLite latches in the pager and answers by rolling the whole
            // transaction back, but BUSY, which only ends the statement, and the statement is
            // what the async path runs again once the page is fetched (also inside a transaction
            // spread over several calls).
            PagesMissingException { Page: 0 } => ioErrorCode,
            PagesMissingException => SQLITE_BUSY,
            PageCorruptException => SQLITE_CORRUPT,
            OutOfMemoryException => SQLITE_NOMEM,
            _ => ioErrorCode,
        };
    }
}
