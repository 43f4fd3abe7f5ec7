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
        : base($"Folio database '{database}': page {pageNumber} is corrupt ({detail}).")
    {
        Database = database;
        PageNumber = pageNumber;
    }

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
