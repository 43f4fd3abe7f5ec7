using SQLitePCL;

namespace Folio;

/// <summary>Process-wide set-up of the SQLite library Folio runs on.</summary>
public static class FolioRuntime
{
    private static int _initialized;

    /// <summary>
    /// Points SQLitePCLRaw at the bundled e_sqlite3 library, once. Safe to call many times and
    /// from many threads; Microsoft.Data.Sqlite then uses the same library.
    /// </summary>
    public static void EnsureProvider()
    {
        if (Interlocked.Exchange(ref _initialized, 1) == 0)
        {
            raw.SetProvider(new SQLite3Provider_e_sqlite3());
        }
    }
}
