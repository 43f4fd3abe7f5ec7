namespace Folio.Storage;

/// <summary>
/// The store moved past the version a transaction started from. SQLite sees SQLITE_BUSY and the
/// transaction can be retried.
/// </summary>
public class StoreConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StoreConflictException(string database, long expectedVersion, long actualVersion)
        : base($"Folio database '{database}': the store is at version {actualVersion}, not {expectedVersion}; another writer committed first. Retry the transaction.")
    {
        Database = database;
        ExpectedVersion = expectedVersion;
        ActualVersion = actualVersion;
    }

    /// <summary>Creates the exception with a custom message.</summary>
    public StoreConflictException(string database, string message) : base(message)
    {
        Database = database;
    }

    /// <summary>The database's name.</summary>
    public string Database { get; }

    /// <summary>The version the transaction expected.</summary>
    public long ExpectedVersion { get; }

    /// <summary>The version the store was at, when known.</summary>
    public long ActualVersion { get; }
}

/// <summary>A stored page failed its checksum or could not be decoded.</summary>
public class PageCorruptException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PageCorruptException(string database, long pageNumber, string detail)
        : this(database, pageNumber, PageCheck.Unspecified, detail)
    {
    }

    /// <summary>Creates the exception, saying which check failed.</summary>
    public PageCorruptException(string database, long pageNumber, PageCheck check, string detail)
        : base(check == PageCheck.Unspecified
            ? $"Folio database '{database}': page {pageNumber} is corrupt ({detail})."
            : $"Folio database '{database}': page {pageNumber} is corrupt ({CheckName(check)} check failed: {detail}).")
    {
        Database = database;
        PageNumber = pageNumber;
        Check = check;
    }

    /// <summary>The check the page failed.</summary>
    public PageCheck Check { get; }

    private static string CheckName(PageCheck check) => check switch
    {
        PageCheck.Header => "header",
        PageCheck.Checksum => "checksum",
        PageCheck.Decompression => "decompression",
        PageCheck.Key => "key",
        PageCheck.Authentication => "authentication",
        PageCheck.Version => "version",
        _ => "page",
    };

    /// <summary>The database's name.</summary>
    public string Database { get; }

    /// <summary>The zero-based number of the corrupt page.</summary>
    public long PageNumber { get; }
}

/// <summary>A database was opened with a page size other than the one it was created with, or an invalid one.</summary>
public class PageSizeMismatchException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PageSizeMismatchException(string database, int storedPageSize, int requestedPageSize)
        : base($"Folio database '{database}' was created with page size {storedPageSize}; it cannot be opened with page size {requestedPageSize}.")
    {
        Database = database;
        StoredPageSize = storedPageSize;
        RequestedPageSize = requestedPageSize;
    }

    /// <summary>The database's name.</summary>
    public string Database { get; }

    /// <summary>The page size the database was created with.</summary>
    public int StoredPageSize { get; }

    /// <summary>The page size asked for.</summary>
    public int RequestedPageSize { get; }
}

/// <summary>The check a stored page failed (<see cref="PageCorruptException.Check"/>).</summary>
public enum PageCheck
{
    /// <summary>Not said.</summary>
    Unspecified,

    /// <summary>The header is missing, of an unknown format, or disagrees with the value's length or the page size.</summary>
    Header,

    /// <summary>The checksum of a page that is not encrypted does not match: damaged, misplaced or from another database.</summary>
    Checksum,

    /// <summary>A compressed payload does not decompress to exactly one page.</summary>
    Decompression,

    /// <summary>The key the page names is not available, or the page is not encrypted where encryption is required.</summary>
    Key,

    /// <summary>AES-GCM authentication failed: altered, moved to another page, copied from another database, a wrong version, or a wrong key.</summary>
    Authentication,

    /// <summary>The page was written by a version the read cannot accept: newer than the read, or older than a write this process saw.</summary>
    Version,
}
