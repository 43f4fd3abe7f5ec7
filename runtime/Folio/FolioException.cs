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
