using System.Globalization;
using System.Text;
using Folio.Interop;
using SQLitePCL;

namespace Folio.Queries;

// Binders and readers, one pair per supported C# type. Storage formats follow Microsoft.Data.Sqlite
// so both read each other's values: integers for integral types, bool and enums; REAL for double
// and float; TEXT for decimal, dates and times; BLOB for Guid. Formatting goes through stack
// buffers so a call allocates nothing beyond its results.
public sealed partial class FolioStatement
{
    private const string DateTimeFormat = "yyyy-MM-dd HH:mm:ss.FFFFFFF";
    private const string DateTimeOffsetFormat = "yyyy-MM-dd HH:mm:ss.FFFFFFFzzz";
    private const string DateOnlyFormat = "yyyy-MM-dd";
    private const string TimeOnlyFormat = "HH:mm:ss.fffffff";
    private const string DecimalFormat = "0.0###########################";

    // ---- binding (slot = position in StatementShape.Parameters) ----------------------------

    /// <summary>Binds SQL NULL.</summary>
    public void BindNull(int slot) => Bound(raw.sqlite3_bind_null(Handle, _parameterIndexes[slot]));

    /// <summary>Binds an INTEGER.</summary>
    public void BindInt64(int slot, long value) => Bound(raw.sqlite3_bind_int64(Handle, _parameterIndexes[slot], value));

    /// <summary>Binds a bool as INTEGER 1 or 0.</summary>
    public void BindBoolean(int slot, bool value) => BindInt64(slot, value ? 1 : 0);

    /// <summary>Binds a REAL.</summary>
    public void BindDouble(int slot, double value) => Bound(raw.sqlite3_bind_double(Handle, _parameterIndexes[slot], value));

    /// <summary>Binds a decimal as TEXT, exactly.</summary>
    public void BindDecimal(int slot, decimal value)
    {
        Span<char> text = stackalloc char[64];
        value.TryFormat(text, out var length, DecimalFormat, CultureInfo.InvariantCulture);
        BindText(slot, text[..length]);
    }

    /// <summary>Binds TEXT.</summary>
    public void BindString(int slot, string value) => BindText(slot, value.AsSpan());

    /// <summary>Binds TEXT.</summary>
    public void BindText(int slot, ReadOnlySpan<char> value) => Bound(raw.sqlite3_bind_text16(Handle, _parameterIndexes[slot], value));

    /// <summary>Binds a BLOB.</summary>
    public void BindBlob(int slot, ReadOnlySpan<byte> value) =>
        // A zero-length span may carry a null pointer, which SQLite would bind as NULL.
        Bound(value.IsEmpty ? raw.sqlite3_bind_zeroblob(Handle, _parameterIndexes[slot], 0) : raw.sqlite3_bind_blob(Handle, _parameterIndexes[slot], value));

    /// <summary>Binds a Guid as a 16-byte BLOB.</summary>
    public void BindGuid(int slot, Guid value)
    {
        Span<byte> bytes = stackalloc byte[16];
        value.TryWriteBytes(bytes);
        BindBlob(slot, bytes);
    }

    /// <summary>Binds a DateTime as TEXT (<c>yyyy-MM-dd HH:mm:ss.FFFFFFF</c>).</summary>
    public void BindDateTime(int slot, DateTime value)
    {
        Span<char> text = stackalloc char[40];
        value.TryFormat(text, out var length, DateTimeFormat, CultureInfo.InvariantCulture);
        BindText(slot, text[..length]);
    }

    /// <summary>Binds a DateTimeOffset as TEXT with its offset.</summary>
    public void BindDateTimeOffset(int slot, DateTimeOffset value)
    {
        Span<char> text = stackalloc char[48];
        value.TryFormat(text, out var length, DateTimeOffsetFormat, CultureInfo.InvariantCulture);
        BindText(slot, text[..length]);
    }

    /// <summary>Binds a DateOnly as TEXT (<c>yyyy-MM-dd</c>).</summary>
    public void BindDateOnly(int slot, DateOnly value)
    {
        Span<char> text = stackalloc char[16];
        value.TryFormat(text, out var length, DateOnlyFormat, CultureInfo.InvariantCulture);
        BindText(slot, text[..length]);
    }

    /// <summary>Binds a TimeOnly as TEXT (<c>HH:mm:ss.fffffff</c>).</summary>
    public void BindTimeOnly(int slot, TimeOnly value)
    {
        Span<char> text = stackalloc char[24];
        value.TryFormat(text, out var length, TimeOnlyFormat, CultureInfo.InvariantCulture);
        BindText(slot, text[..length]);
    }

    private void Bound(int rc)
    {
        if (rc != SqliteConstants.SQLITE_OK)
        {
            _connection.Check(rc, Shape.Sql, Shape.Method);
        }
    }

    // ---- reading (slot = position in StatementShape.Members) -------------------------------

    /// <summary>True when the slot's column is NULL in the current row.</summary>
    public bool IsNull(int slot) => raw.sqlite3_column_type(Handle, _columnOrdinals[slot]) == raw.SQLITE_NULL;

    /// <summary>Reads an INTEGER (SQLite converts other storage classes).</summary>
    public long GetInt64(int slot)
    {
        // NULL reads as 0: ask for the column's type only then, not on every read.
        var column = _columnOrdinals[slot];
        var value = raw.sqlite3_column_int64(Handle, column);
        if (value == 0)
        {
            NotNull(slot);
        }
        return value;
    }

    /// <summary>Reads an int, refusing values out of its range.</summary>
    public int GetInt32(int slot) => (int)InRange(slot, GetInt64(slot), int.MinValue, int.MaxValue, "Int32");

    /// <summary>Reads a short, refusing values out of its range.</summary>
    public short GetInt16(int slot) => (short)InRange(slot, GetInt64(slot), short.MinValue, short.MaxValue, "Int16");

    /// <summary>Reads a byte, refusing values out of its range.</summary>
    public byte GetByte(int slot) => (byte)InRange(slot, GetInt64(slot), byte.MinValue, byte.MaxValue, "Byte");

    /// <summary>Reads a bool: any non-zero INTEGER is true.</summary>
    public bool GetBoolean(int slot) => GetInt64(slot) != 0;

    /// <summary>Reads a REAL.</summary>
    public double GetDouble(int slot)
    {
        var column = _columnOrdinals[slot];
        var value = raw.sqlite3_column_double(Handle, column);
        if (value == 0)
        {
            NotNull(slot);
        }
        return value;
    }

    /// <summary>Reads a REAL as float.</summary>
    public float GetSingle(int slot) => (float)GetDouble(slot);

    /// <summary>Reads a decimal from TEXT (exact), INTEGER or REAL.</summary>
    public decimal GetDecimal(int slot)
    {
        var column = NotNull(slot);
        return raw.sqlite3_column_type(Handle, column) switch
        {
            raw.SQLITE_INTEGER => raw.sqlite3_column_int64(Handle, column),
            raw.SQLITE_FLOAT => (decimal)raw.sqlite3_column_double(Handle, column),
            _ => ParseText(slot, column, static t => decimal.Parse(t, NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture)),
        };
    }

    /// <summary>Reads TEXT.</summary>
    public string GetString(int slot)
    {
        var column = _columnOrdinals[slot];
        var text = raw.sqlite3_column_blob(Handle, column);
        if (text.IsEmpty)
        {
            NotNull(slot); // NULL and '' both read as no bytes
            return string.Empty;
        }
        return Encoding.UTF8.GetString(text);
    }

    /// <summary>Reads a BLOB into a new array.</summary>
    public byte[] GetBytes(int slot)
    {
        var column = NotNull(slot);
        return raw.sqlite3_column_blob(Handle, column).ToArray();
    }

    /// <summary>Reads a BLOB into new memory.</summary>
    public ReadOnlyMemory<byte> GetMemory(int slot) => GetBytes(slot);

    /// <summary>Reads a Guid from a 16-byte BLOB or from TEXT.</summary>
    public Guid GetGuid(int slot)
    {
        var column = NotNull(slot);
        if (raw.sqlite3_column_type(Handle, column) == raw.SQLITE_BLOB)
        {
            var bytes = raw.sqlite3_column_blob(Handle, column);
            if (bytes.Length == 16)
            {
                return new Guid(bytes);
            }
            throw BadValue(slot, column, $"a {bytes.Length}-byte BLOB is not a Guid");
        }
        return ParseText(slot, column, static t => Guid.Parse(t));
    }

    /// <summary>Reads a DateTime from TEXT or from a REAL Julian day number.</summary>
    public DateTime GetDateTime(int slot)
    {
        var column = NotNull(slot);
        if (raw.sqlite3_column_type(Handle, column) is raw.SQLITE_FLOAT or raw.SQLITE_INTEGER)
        {
            return FromJulianDay(raw.sqlite3_column_double(Handle, column));
        }
        return ParseText(slot, column, static t => DateTime.Parse(t, CultureInfo.InvariantCulture, DateTimeStyles.None));
    }

    /// <summary>Reads a DateTimeOffset from TEXT or from a REAL Julian day number (UTC).</summary>
    public DateTimeOffset GetDateTimeOffset(int slot)
    {
        var column = NotNull(slot);
        if (raw.sqlite3_column_type(Handle, column) is raw.SQLITE_FLOAT or raw.SQLITE_INTEGER)
        {
            return new DateTimeOffset(FromJulianDay(raw.sqlite3_column_double(Handle, column)), TimeSpan.Zero);
        }
        return ParseText(slot, column, static t => DateTimeOffset.Parse(t, CultureInfo.InvariantCulture, DateTimeStyles.None));
    }

    /// <summary>Reads a DateOnly from TEXT.</summary>
    public DateOnly GetDateOnly(int slot)
    {
        var column = NotNull(slot);
        return ParseText(slot, column, static t => DateOnly.Parse(t, CultureInfo.InvariantCulture));
    }

    /// <summary>Reads a TimeOnly from TEXT.</summary>
    public TimeOnly GetTimeOnly(int slot)
    {
        var column = NotNull(slot);
        return ParseText(slot, column, static t => TimeOnly.Parse(t, CultureInfo.InvariantCulture));
    }

    private int NotNull(int slot)
    {
        var column = _columnOrdinals[slot];
        if (raw.sqlite3_column_type(Handle, column) == raw.SQLITE_NULL)
        {
            throw new InvalidOperationException(
                $"{Shape.Method}: column '{ColumnName(column)}' is NULL and '{Shape.Members[slot]}' is not nullable (make it nullable or filter NULLs in the SQL). SQL: {Shape.Sql}");
        }
        return column;
    }

    private long InRange(int slot, long value, long min, long max, string type)
    {
        if (value < min || value > max)
        {
            throw BadValue(slot, _columnOrdinals[slot], $"{value} does not fit in {type}");
        }
        return value;
    }

    private delegate T SpanParser<T>(ReadOnlySpan<char> text);

    private T ParseText<T>(int slot, int column, SpanParser<T> parse)
    {
        var utf8 = raw.sqlite3_column_blob(Handle, column);
        Span<char> chars = utf8.Length <= 128 ? stackalloc char[128] : new char[utf8.Length];
        var length = Encoding.UTF8.GetChars(utf8, chars);
        try
        {
            return parse(chars[..length]);
        }
        catch (FormatException e)
        {
            throw BadValue(slot, column, $"'{chars[..length].ToString()}' is not a {typeof(T).Name} ({e.Message})");
        }
    }

    private InvalidOperationException BadValue(int slot, int column, string problem) =>
        new($"{Shape.Method}: column '{ColumnName(column)}' for '{Shape.Members[slot]}': {problem}. SQL: {Shape.Sql}");

    private string ColumnName(int column) => raw.sqlite3_column_name(Handle, column).utf8_to_string() ?? $"#{column}";

    // Julian day 2440587.5 is 1970-01-01T00:00:00Z; SQLite's julianday() and Microsoft.Data.Sqlite use the same scale.
    private static DateTime FromJulianDay(double julianDay) =>
        DateTime.UnixEpoch.AddTicks((long)Math.Round((julianDay - 2440587.5) * TimeSpan.TicksPerDay));
}
