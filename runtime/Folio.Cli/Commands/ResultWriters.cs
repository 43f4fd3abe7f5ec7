using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Spectre.Console;

namespace Folio.Cli.Commands;

/// <summary>Prints what <c>folio sql</c>'s statements return.</summary>
internal interface IResultWriter
{
    /// <summary>One statement's rows (values are long, double, string, byte[] or null).</summary>
    void WriteResult(IReadOnlyList<string> columns, IReadOnlyList<object?[]> rows);

    /// <summary>A write statement changed <paramref name="rows"/> rows.</summary>
    void WriteChanges(int rows);
}

/// <summary>Text forms of SQLite values shared by the writers.</summary>
internal static class SqlValues
{
    public static string Number(object value) => value switch
    {
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => throw new ArgumentException($"not a number: {value.GetType().Name}", nameof(value)),
    };

    public static string Hex(byte[] blob) => "x'" + Convert.ToHexStringLower(blob) + "'";
}

/// <summary>A Spectre.Console table per result.</summary>
internal sealed class TableResultWriter(IAnsiConsole console) : IResultWriter
{
    // Long blobs are shortened in tables; CSV and JSON carry them whole.
    private const int MaxBlobBytesShown = 32;

    public void WriteResult(IReadOnlyList<string> columns, IReadOnlyList<object?[]> rows)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(new Text(column)));
        }
        foreach (var row in rows)
        {
            table.AddRow(row.Select(v => (Spectre.Console.Rendering.IRenderable)new Text(Format(v))));
        }
        console.Write(table);
        console.WriteLine(rows.Count == 1 ? "(1 row)" : $"({rows.Count.ToString(CultureInfo.InvariantCulture)} rows)");
    }

    public void WriteChanges(int rows) =>
        console.WriteLine(rows == 1 ? "1 row changed" : $"{rows.ToString(CultureInfo.InvariantCulture)} rows changed");

    private static string Format(object? value) => value switch
    {
        null => "NULL",
        string s => s,
        byte[] b when b.Length > MaxBlobBytesShown => $"{SqlValues.Hex(b[..MaxBlobBytesShown])}… ({b.Length.ToString(CultureInfo.InvariantCulture)} bytes)",
        byte[] b => SqlValues.Hex(b),
        _ => SqlValues.Number(value),
    };
}

/// <summary>RFC 4180 CSV: a header line, then rows; results separated by an empty line.</summary>
internal sealed class CsvResultWriter(TextWriter output) : IResultWriter
{
    private bool _first = true;

    public void WriteResult(IReadOnlyList<string> columns, IReadOnlyList<object?[]> rows)
    {
        if (!_first)
        {
            output.Write("\r\n");
        }
        _first = false;
        WriteLine(columns.Select(Quote));
        foreach (var row in rows)
        {
            WriteLine(row.Select(v => v switch
            {
                null => "",
                string s => Quote(s),
                byte[] b => SqlValues.Hex(b),
                _ => SqlValues.Number(v),
            }));
        }
    }

    public void WriteChanges(int rows)
    {
    }

    private void WriteLine(IEnumerable<string> fields)
    {
        output.Write(string.Join(",", fields));
        output.Write("\r\n");
    }

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 || (field.Length > 0 && (field[0] == ' ' || field[^1] == ' '))
            ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : field;
}

/// <summary>One JSON array of objects (column name to value) per result, one result per line.</summary>
internal sealed class JsonResultWriter(TextWriter output) : IResultWriter
{
    public void WriteResult(IReadOnlyList<string> columns, IReadOnlyList<object?[]> rows) => JsonText.WriteLine(output, json =>
    {
        json.WriteStartArray();
        foreach (var row in rows)
        {
            json.WriteStartObject();
            for (var i = 0; i < columns.Count; i++)
            {
                json.WritePropertyName(columns[i]);
                switch (row[i])
                {
                    case null:
                        json.WriteNullValue();
                        break;
                    case long l:
                        json.WriteNumberValue(l);
                        break;
                    case double d when double.IsFinite(d):
                        json.WriteNumberValue(d);
                        break;
                    case double d:
                        json.WriteStringValue(d.ToString(CultureInfo.InvariantCulture)); // JSON has no infinity
                        break;
                    case string s:
                        json.WriteStringValue(s);
                        break;
                    case byte[] b:
                        json.WriteBase64StringValue(b);
                        break;
                }
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();
    });

    public void WriteChanges(int rows)
    {
    }
}

/// <summary>One JSON document on one line, as every <c>--json</c> output writes it.</summary>
internal static class JsonText
{
    /// <summary>Writes what <paramref name="write"/> puts in a JSON writer, then a line end.</summary>
    public static void WriteLine(TextWriter output, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(json);
        }
        output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
