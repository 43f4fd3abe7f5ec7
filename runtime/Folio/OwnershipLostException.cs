using Folio.Interop;

namespace Folio;

/// <summary>
/// An owned database (the Durable Object model) was written by someone else: another owner or a
/// shared-mode writer committed after this process claimed it. This process's cache is no longer
/// the database, so nothing of the refused commit was written and the object refuses every
/// further call, reads included, until it is opened again (which claims the database anew).
/// </summary>
public class OwnershipLostException : FolioException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="database">The database's name.</param>
    /// <param name="expectedVersion">The version this owner's cache holds (the one its commit was built on).</param>
    /// <param name="foundVersion">The version the store is at, when known (-1 when not).</param>
    /// <param name="detail">What was observed.</param>
    public OwnershipLostException(string database, long expectedVersion, long foundVersion, string detail)
        : this(database, expectedVersion, foundVersion, detail, null, null)
    {
    }

    private OwnershipLostException(string database, long expectedVersion, long foundVersion, string detail, string? sql, string? method)
        : base(database, SqliteConstants.SQLITE_IOERR, SqliteConstants.SQLITE_IOERR, Describe(database, expectedVersion, foundVersion, detail, sql, method), sql, method)
    {
        ExpectedVersion = expectedVersion;
        FoundVersion = foundVersion;
        Detail = detail;
    }

    /// <summary>The version this owner's cache holds.</summary>
    public long ExpectedVersion { get; }

    /// <summary>The version the store is at, or -1 when unknown.</summary>
    public long FoundVersion { get; }

    /// <summary>What was observed.</summary>
    public string Detail { get; }

    internal override FolioException WithStatement(string? sql, string? method) =>
        new OwnershipLostException(Database, ExpectedVersion, FoundVersion, Detail, sql, method);

    private static string Describe(string database, long expectedVersion, long foundVersion, string detail, string? sql, string? method)
    {
        var found = foundVersion < 0 ? "" : $", found version {foundVersion}";
        var text = $"Folio database '{database}': this process no longer owns it ({detail}): expected version {expectedVersion}{found}. "
            + "Nothing of the refused commit was written; every further call fails until the database is opened again.";
        return AppendStatement(text, sql, method);
    }
}
