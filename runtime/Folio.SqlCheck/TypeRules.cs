namespace Folio.SqlCheck;

/// <summary>
/// Which declared column types a member's type can be read from, by SQLite's type affinity (the
/// rules of "Datatypes In SQLite", 3.1) and by what the runtime's readers accept
/// (FolioStatement.Values.cs).
/// </summary>
internal static class TypeRules
{
    /// <summary>The affinity SQLite gives a column declared <paramref name="declared"/>.</summary>
    public static string Affinity(string declared)
    {
        var type = declared.ToUpperInvariant();
        return type.Contains("INT", StringComparison.Ordinal) ? "INTEGER"
            : type.Contains("CHAR", StringComparison.Ordinal) || type.Contains("CLOB", StringComparison.Ordinal) || type.Contains("TEXT", StringComparison.Ordinal) ? "TEXT"
            : type.Contains("BLOB", StringComparison.Ordinal) || type.Length == 0 ? "BLOB"
            : type.Contains("REAL", StringComparison.Ordinal) || type.Contains("FLOA", StringComparison.Ordinal) || type.Contains("DOUB", StringComparison.Ordinal) ? "REAL"
            : "NUMERIC";
    }

    /// <summary>
    /// Why a column of <paramref name="affinity"/> does not convert to a member of kind
    /// <paramref name="kind"/>, or null when it does.
    /// </summary>
    public static string? Mismatch(string kind, string affinity) => (kind, affinity) switch
    {
        ("Int64" or "Int32" or "Int16" or "Byte" or "Boolean" or "Enum", "INTEGER" or "NUMERIC") => null,
        ("Int64" or "Int32" or "Int16" or "Byte" or "Boolean" or "Enum", "REAL") => "an integer member truncates REAL values",
        ("Int64" or "Int32" or "Int16" or "Byte" or "Boolean" or "Enum", _) => $"an integer member reads {affinity} values as 0 unless they look like numbers",
        ("Double" or "Single", "INTEGER" or "REAL" or "NUMERIC") => null,
        ("Double" or "Single", _) => $"a floating-point member reads {affinity} values as 0 unless they look like numbers",
        ("Decimal", "BLOB") => "a decimal is read from TEXT, INTEGER or REAL",
        ("Decimal", _) => null,
        ("String", "BLOB") => "a string member would take the bytes of a BLOB as UTF-8 text",
        ("String", _) => null,
        ("ByteArray" or "ReadOnlyMemory", "BLOB" or "TEXT") => null,
        ("ByteArray" or "ReadOnlyMemory", _) => $"a byte member reads the text form of {affinity} values",
        ("Guid", "BLOB" or "TEXT") => null,
        ("Guid", _) => "a Guid is read from a 16-byte BLOB or from TEXT",
        ("DateTime" or "DateTimeOffset", "TEXT" or "REAL" or "NUMERIC") => null,
        ("DateTime" or "DateTimeOffset", _) => "a date and time is read from TEXT or from a REAL Julian day number",
        ("DateOnly" or "TimeOnly", "TEXT" or "NUMERIC") => null,
        ("DateOnly" or "TimeOnly", _) => "a date or a time of day is read from TEXT",
        _ => null,
    };
}
