using SQLitePCL;

namespace Folio;

/// <summary>Process-wide set-up of the SQLite library Folio runs on.</summary>
public static class FolioRuntime
{
    private static readonly Lock Gate = new();
    private static volatile bool _initialized;

    /// <summary>
    /// Points SQLitePCLRaw at the bundled e_sqlite3 library, once. Safe to call many times and
    /// from many threads; Microsoft.Data.Sqlite then uses the same library.
    /// </summary>
    public static void EnsureProvider()
    {
        // The flag is set only after the provider is: a second thread arriving meanwhile waits on
        // the lock instead of going on to open SQLite with no provider yet.
        if (_initialized)
        {
            return;
        }
        lock (Gate)
        {
            if (!_initialized)
            {
                raw.SetProvider(new SQLite3Provider_e_sqlite3());
                _initialized = true;
            }
        }
    }
}
