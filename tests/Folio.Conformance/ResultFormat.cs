using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Folio.Conformance;

/// <summary>
/// How sqllogictest renders, sorts and hashes query results (the reference runner's
/// slt_sqlite.c and sqllogictest.c):
/// <list type="bullet">
/// <item>NULL in any column prints <c>NULL</c>;</item>
/// <item><c>I</c> prints <c>sqlite3_column_int</c> (a 32-bit conversion: a real is truncated, a text is parsed as far as it is numeric) as <c>%d</c>;</item>
/// <item><c>R</c> prints <c>sqlite3_column_double</c> with SQLite's own <c>%.3f</c>;</item>
/// <item><c>T</c> prints <c>sqlite3_column_text</c> up to its first NUL, <c>(empty)</c> when that is empty,
/// with every byte outside <c>' '</c>..<c>'~'</c> replaced by <c>@</c>;</item>
/// <item><c>rowsort</c> sorts rows comparing column by column with <c>strcmp</c>; <c>valuesort</c> sorts every value on its own;</item>
/// <item>a hash is the lower-case hex MD5 of every value followed by <c>"\n"</c>, taken after sorting.</item>
/// </list>
/// </summary>
public static class ResultFormat
{
    /// <summary>The rendering of NULL.</summary>
    public const string Null = "NULL";

    /// <summary>The rendering of an empty text.</summary>
    public const string Empty = "(empty)";

    /// <summary>Renders an <c>I</c> value: <c>%d</c>.</summary>
    public static string FormatInteger(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Renders an <c>R</c> value with SQLite's own <c>%.3f</c> (the reference calls
    /// <c>sqlite3_snprintf</c>): its rounding is half up on its own decimal expansion, and no .NET
    /// format reproduces that (<c>F3</c> rounds 1.0625 to 1.062, SQLite to 1.063).
    /// </summary>
    public static string FormatReal(double value) => SqlitePrintf.Fixed3(value);

    /// <summary>Renders a <c>T</c> value from the bytes of <c>sqlite3_column_text</c>.</summary>
    public static string FormatText(ReadOnlySpan<byte> utf8)
    {
        var nul = utf8.IndexOf((byte)0);
        if (nul >= 0)
        {
            utf8 = utf8[..nul]; // C sees the text only up to its first NUL
        }
        if (utf8.IsEmpty)
        {
            return Empty;
        }
        return string.Create(utf8.Length, utf8.ToArray(), static (chars, bytes) =>
        {
            for (var i = 0; i < bytes.Length; i++)
            {
                var b = bytes[i];
                chars[i] = b is < (byte)' ' or > (byte)'~' ? '@' : (char)b;
            }
        });
    }

    /// <summary>Renders a <c>T</c> value from a .NET string (its UTF-8 bytes are what SQLite returns).</summary>
    public static string FormatText(string text) => FormatText(Encoding.UTF8.GetBytes(text));

    /// <summary>Sorts <paramref name="values"/> (row-major, <paramref name="columns"/> per row) in place by rows.</summary>
    public static void SortRows(List<string> values, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        if (columns == 1)
        {
            values.Sort(StringComparer.Ordinal);
            return;
        }
        var rows = values.Count / columns;
        var order = new string[rows][];
        for (var r = 0; r < rows; r++)
        {
            order[r] = values.GetRange(r * columns, columns).ToArray();
        }
        Array.Sort(order, static (a, b) =>
        {
            for (var c = 0; c < a.Length; c++)
            {
                var cmp = string.CompareOrdinal(a[c], b[c]);
                if (cmp != 0)
                {
                    return cmp;
                }
            }
            return 0;
        });
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                values[r * columns + c] = order[r][c];
            }
        }
    }

    /// <summary>Sorts every value independently.</summary>
    public static void SortValues(List<string> values) => values.Sort(StringComparer.Ordinal);

    /// <summary>The MD5 (lower-case hex) of every value followed by a newline.</summary>
    public static string Md5(IEnumerable<string> values)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var buffer = new byte[256];
        foreach (var value in values)
        {
            var length = Encoding.UTF8.GetMaxByteCount(value.Length) + 1;
            if (buffer.Length < length)
            {
                buffer = new byte[Math.Max(length, buffer.Length * 2)];
            }
            var n = Encoding.UTF8.GetBytes(value, buffer);
            buffer[n] = (byte)'\n';
            md5.AppendData(buffer, 0, n + 1);
        }
        return Convert.ToHexStringLower(md5.GetHashAndReset());
    }

    /// <summary>The expected-results line for a hashed result: <c>N values hashing to MD5</c>.</summary>
    public static string HashLine(int count, string md5) =>
        count.ToString(CultureInfo.InvariantCulture) + " values hashing to " + md5;
}
