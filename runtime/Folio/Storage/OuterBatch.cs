using SQLitePCL;

namespace Folio.Storage;

/// <summary>
/// One multi-row statement of a commit, prepared once per row count (1 to <see cref="MaxRows"/>)
/// on first use and reused: a commit of up to that many pages runs it once instead of once per
/// page, a larger one once per <see cref="MaxRows"/> pages.
/// </summary>
/// <param name="connection">The connection the statements are prepared on.</param>
/// <param name="sql">The statement's text for a row count.</param>
internal sealed class OuterBatch(OuterConnection connection, Func<int, string> sql) : IDisposable
{
    /// <summary>The most rows one statement takes.</summary>
    public const int MaxRows = 16;

    private readonly sqlite3_stmt?[] _statements = new sqlite3_stmt?[MaxRows];

    /// <summary>The statement for <paramref name="rows"/> rows (1 to <see cref="MaxRows"/>).</summary>
    public sqlite3_stmt For(int rows) => _statements[rows - 1] ??= connection.Prepare(sql(rows));

    /// <summary>
    /// The text of a statement with <paramref name="rows"/> repetitions of <paramref name="row"/>
    /// (given the first parameter number of its repetition) joined by <paramref name="separator"/>.
    /// </summary>
    public static string Repeat(string prefix, int rows, Func<int, string> row, string separator, string suffix)
    {
        var text = new System.Text.StringBuilder(prefix);
        for (var i = 0; i < rows; i++)
        {
            text.Append(i == 0 ? "" : separator).Append(row(i));
        }
        return text.Append(suffix).ToString();
    }

    public void Dispose()
    {
        foreach (var statement in _statements)
        {
            statement?.Dispose();
        }
    }
}
