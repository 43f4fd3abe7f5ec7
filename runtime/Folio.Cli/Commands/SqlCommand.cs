using Folio.Cli.Stores;
using Folio.Storage;

namespace Folio.Cli.Commands;

/// <summary><c>folio sql &lt;store&gt; "&lt;SQL&gt;"</c>: runs statements and prints their rows.</summary>
internal sealed class SqlCommand : ICliCommand
{
    public string Name => "sql";

    public string Usage => "sql <store> \"<SQL>\" [--csv | --json] [--page-size N]";

    public string Summary => "run one or more SQL statements and print their rows (table, CSV or JSON); creates the database if missing";

    public string Help => """
        Runs the statements in order on the store's database, creating it when missing (page size
        --page-size, default 4096). "-" as the SQL reads it from standard input. Each statement that
        returns columns prints its rows:
          table (default)  a table per result with a "(N rows)" line; "N rows changed" after a write
          --csv            a header line and RFC 4180 rows; results separated by an empty line
          --json           one JSON array of objects per result, one result per line
        NULL prints as NULL (table), an empty field (CSV) or null (JSON); blobs as x'hex' (table,
        CSV) or base64 (JSON). When another writer commits first (SQLITE_BUSY) the transaction is
        rolled back and run again, with backoff, for up to --busy-timeout (default 10 s); output
        appears once per transaction, after it committed.
        """;

    public IReadOnlyCollection<string> ValueOptions { get; } = ["page-size"];

    public IReadOnlyCollection<string> Flags { get; } = ["csv", "json"];

    public int Run(CliContext context, CommandLine line)
    {
        var arguments = line.Expect("store", "SQL");
        if (line.Has("csv") && line.Has("json"))
        {
            throw new UsageException("'sql' takes --csv or --json, not both");
        }
        var requested = line.Int("page-size");
        if (requested is { } size && !PageSizes.IsValid(size))
        {
            throw new UsageException($"--page-size {size} is invalid: it must be a power of two from {PageSizes.Min} to {PageSizes.Max}");
        }
        var sql = arguments[1] == "-" ? context.In.ReadToEnd() : arguments[1];
        if (string.IsNullOrWhiteSpace(sql))
        {
            throw new UsageException("'sql' needs at least one SQL statement");
        }
        var location = StoreSchemes.Parse(arguments[0]);
        var existing = location.Probe();
        if (existing is not null && requested is { } asked && asked != existing.PageSize)
        {
            throw new CliDataException($"store '{location}' was created with page size {existing.PageSize}, not {asked}");
        }
        using var store = location.Open(existing?.PageSize ?? requested ?? PageSizes.Default, context.StoreSettings);
        using var db = context.OpenDatabase(store, "sql");
        using var connection = db.OpenConnection();
        IResultWriter writer = line.Has("csv") ? new CsvResultWriter(context.Out)
            : line.Has("json") ? new JsonResultWriter(context.Out)
            : new TableResultWriter(context.Console);
        new SqlRunner(connection, writer, context.BusyTimeout).Run(sql);
        return ExitCodes.Success;
    }
}
