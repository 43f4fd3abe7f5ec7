using SQLitePCL;

namespace Folio.Redis.Tests.Infrastructure;

/// <summary>How an application retries a transaction that lost to another writer (SQLITE_BUSY).</summary>
internal static class Busy
{
    /// <summary>
    /// Runs <paramref name="transaction"/> until it completes without SQLITE_BUSY, rolling back the
    /// open transaction (if any) before each retry; returns the number of retries.
    /// Any other error propagates.
    /// </summary>
    public static int Retry(FolioConnection connection, Action transaction, int maxRetries = 100_000)
    {
        for (var retries = 0; ; retries++)
        {
            try
            {
                transaction();
                return retries;
            }
            catch (FolioException e) when (e.IsBusy && retries < maxRetries)
            {
                if (raw.sqlite3_get_autocommit(connection.Handle) == 0)
                {
                    connection.Execute("ROLLBACK");
                }
                Thread.Sleep(Random.Shared.Next(0, 2));
            }
        }
    }

    /// <summary>
    /// Opens a connection, retrying while SQLite answers SQLITE_BUSY: opening reads the database
    /// header, which another process's commit can replace in between.
    /// </summary>
    public static FolioConnection Open(FolioDatabase database, int maxRetries = 1000)
    {
        for (var retries = 0; ; retries++)
        {
            try
            {
                return database.OpenConnection();
            }
            catch (FolioException e) when (e.IsBusy && retries < maxRetries)
            {
                Thread.Sleep(Random.Shared.Next(0, 2));
            }
        }
    }
}
