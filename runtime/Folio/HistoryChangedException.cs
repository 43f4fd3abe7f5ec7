using Folio.Interop;
using Folio.Storage;

namespace Folio;

/// <summary>
/// The database's history changed under this process: the store now reports another identity or
/// epoch, or a version lower than one this process already saw (a Redis failover to an empty or
/// lagging replica, a restored backup, a replaced file). Folio cleared its caches and failed the
/// transaction that was open; nothing of it was committed. The next transaction starts on the new
/// history, so retrying is the caller's decision, never Folio's: whatever this process believed
/// was committed on the old history may be gone.
/// </summary>
public class HistoryChangedException : FolioException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="database">The database's name.</param>
    /// <param name="expectedLineage">The lineage this process worked on.</param>
    /// <param name="expectedVersion">The version this process last saw (or built its commit on).</param>
    /// <param name="foundLineage">The lineage the store reports now (empty when the database is gone).</param>
    /// <param name="foundVersion">The version the store reports now.</param>
    /// <param name="detail">What was observed, in a few words.</param>
    public HistoryChangedException(string database, StoreLineage expectedLineage, long expectedVersion, StoreLineage foundLineage, long foundVersion, string detail)
        : this(database, expectedLineage, expectedVersion, foundLineage, foundVersion, detail, null, null)
    {
    }

    private HistoryChangedException(string database, StoreLineage expectedLineage, long expectedVersion, StoreLineage foundLineage, long foundVersion, string detail, string? sql, string? method)
        : base(database, SqliteConstants.SQLITE_IOERR, SqliteConstants.SQLITE_IOERR,
            Describe(database, expectedLineage, expectedVersion, foundLineage, foundVersion, detail, sql, method), sql, method)
    {
        ExpectedLineage = expectedLineage;
        ExpectedVersion = expectedVersion;
        FoundLineage = foundLineage;
        FoundVersion = foundVersion;
        Detail = detail;
    }

    /// <summary>The lineage (identity and epoch) this process worked on.</summary>
    public StoreLineage ExpectedLineage { get; }

    /// <summary>The version this process last saw, or built its commit on.</summary>
    public long ExpectedVersion { get; }

    /// <summary>The lineage the store reports now; empty when the database is gone from the store.</summary>
    public StoreLineage FoundLineage { get; }

    /// <summary>The version the store reports now.</summary>
    public long FoundVersion { get; }

    /// <summary>What was observed, in a few words.</summary>
    public string Detail { get; }

    internal override FolioException WithStatement(string? sql, string? method) =>
        new HistoryChangedException(Database, ExpectedLineage, ExpectedVersion, FoundLineage, FoundVersion, Detail, sql, method);

    private static string Describe(string database, StoreLineage expectedLineage, long expectedVersion, StoreLineage foundLineage, long foundVersion, string detail, string? sql, string? method)
    {
        var found = foundLineage.IsEmpty ? "no database" : $"identity {foundLineage} at version {foundVersion}";
        var text = $"Folio database '{database}': its history changed under this process ({detail}): expected identity {expectedLineage} at version {expectedVersion}, found {found}. "
            + "Folio cleared its caches and failed the open transaction; nothing of it was committed, and commits acknowledged on the old history may be lost.";
        return AppendStatement(text, sql, method);
    }
}
