using Folio.Interop;

namespace Folio;

/// <summary>
/// A SQLite error on a Folio database: the SQLite code and message, the SQL, the method that ran
/// it (generated code fills this in) and, when the VFS failed underneath, the store's own
/// exception as <see cref="Exception.InnerException"/>.
/// </summary>
public class FolioException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FolioException(string database, int sqliteCode, int extendedCode, string sqliteMessage, string? sql, string? method, Exception? inner)
        : base(Compose(database, extendedCode, sqliteMessage, sql, method, inner), inner)
    {
        Database = database;
        SqliteCode = sqliteCode;
        ExtendedCode = extendedCode;
        SqliteMessage = sqliteMessage;
        Sql = sql;
        Method = method;
    }

    /// <summary>Creates a Folio failure with a message of its own (for subtypes that say more than SQLite's code).</summary>
    protected FolioException(string database, int sqliteCode, int extendedCode, string message, string? sql, string? method)
        : base(message)
    {
        Database = database;
        SqliteCode = sqliteCode;
        ExtendedCode = extendedCode;
        SqliteMessage = message;
        Sql = sql;
        Method = method;
    }

    /// <summary>The database's name.</summary>
    public string Database { get; }

    /// <summary>SQLite's primary result code (e.g. 5 for SQLITE_BUSY).</summary>
    public int SqliteCode { get; }

    /// <summary>SQLite's extended result code.</summary>
    public int ExtendedCode { get; }

    /// <summary>SQLite's own message.</summary>
    public string SqliteMessage { get; }

    /// <summary>The SQL that failed, when known.</summary>
    public string? Sql { get; }

    /// <summary>The method that ran the SQL, when known.</summary>
    public string? Method { get; }

    /// <summary>
    /// The exception for a failed SQLite call: the VFS's own failure when it is a Folio exception
    /// (<see cref="HistoryChangedException"/> and <see cref="OwnershipLostException"/> keep their type, with the SQL and method added),
    /// else a <see cref="FolioException"/> carrying SQLite's code and the store's cause.
    /// </summary>
    internal static FolioException Create(string database, int sqliteCode, int extendedCode, string sqliteMessage, string? sql, string? method, Exception? cause) =>
        (cause as FolioException)?.WithStatement(sql, method)
            ?? new FolioException(database, sqliteCode, extendedCode, sqliteMessage, sql, method, cause);

    /// <summary>
    /// For failures that keep their own type when they surface through SQLite (history changed,
    /// ownership lost): the same failure with the SQL and method added. Null for the others.
    /// </summary>
    internal virtual FolioException? WithStatement(string? sql, string? method) => null;

    /// <summary>A subtype's message with the method and SQL it surfaced in, when known.</summary>
    private protected static string AppendStatement(string text, string? sql, string? method)
    {
        if (method is not null)
        {
            text += $" (in {method})";
        }
        if (sql is not null)
        {
            text += $" SQL: {sql}";
        }
        return text;
    }

    /// <summary>True for SQLITE_BUSY: another connection or process got there first; retry the transaction.</summary>
    public bool IsBusy => SqliteCode == SqliteConstants.SQLITE_BUSY;

    private static string Compose(string database, int code, string message, string? sql, string? method, Exception? inner)
    {
        var text = $"SQLite error {code} on Folio database '{database}': {message}";
        if (method is not null)
        {
            text += $" (in {method})";
        }
        if (sql is not null)
        {
            text += $". SQL: {sql}";
        }
        if (inner is not null)
        {
            text += $". Cause: {inner.Message}";
        }
        return text;
    }
}
