using System.Globalization;
using Folio.Cli.Stores;
using Folio.Storage;
using SQLitePCL;

namespace Folio.Cli.Commands;

/// <summary><c>folio import &lt;file.db&gt; &lt;store&gt;</c>: a plain SQLite file into a store, in one commit.</summary>
internal sealed class ImportCommand : ICliCommand
{
    public string Name => "import";

    public string Usage => "import <file.db> <store> [--page-size N] [--replace]";

    public string Summary => "copy a SQLite file into a store (backup API, one atomic commit), then check its integrity";

    public string Help => """
        Copies a SQLite file into a store with SQLite's backup API, consistently even while another
        process writes the file, and commits it to the store as one transaction. The store's page
        size is the file's unless --page-size says otherwise (the file is then converted with
        VACUUM INTO a temporary file first). A file in WAL mode is stored in rollback-journal
        format, since Folio has no WAL. The command ends with PRAGMA integrity_check on the store.

          --page-size N   page size of a new store (512..65536, a power of two)
          --replace       overwrite a store that already holds a database

        Prints a progress bar on a terminal, then:
          Imported <file> into <store>: <pages> pages of <size> bytes (<bytes>) in <s> s (<rate> pages/s)
          integrity_check: ok
        """;

    public IReadOnlyCollection<string> ValueOptions { get; } = ["page-size"];

    public IReadOnlyCollection<string> Flags { get; } = ["replace"];

    public int Run(CliContext context, CommandLine line)
    {
        var arguments = line.Expect("file.db", "store");
        var requested = line.Int("page-size");
        if (requested is { } size && !PageSizes.IsValid(size))
        {
            throw new UsageException($"--page-size {size} is invalid: it must be a power of two from {PageSizes.Min} to {PageSizes.Max}");
        }
        var location = StoreSchemes.Parse(arguments[1]);
        using var source = SourceFile.Open(arguments[0], context.BusyTimeout);

        var existing = location.Probe();
        if (existing is { PageCount: > 0 } && !line.Has("replace"))
        {
            throw new CliDataException($"store '{location}' already holds a database ({existing.PageCount} pages); pass --replace to overwrite it");
        }
        if (existing is not null && requested is { } asked && asked != existing.PageSize)
        {
            throw new CliDataException($"store '{location}' was created with page size {existing.PageSize}; it cannot take --page-size {asked}");
        }
        var pageSize = existing?.PageSize ?? requested ?? source.PageSize;

        string? converted = null;
        try
        {
            var from = source.Handle;
            if (source.PageSize != pageSize)
            {
                // The backup API copies pages verbatim and cannot change the page size: convert first.
                converted = Path.Combine(Path.GetTempPath(), $"folio-import-{Guid.NewGuid():N}.db");
                context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Converting page size {source.PageSize} to {pageSize} (VACUUM INTO a temporary file)"));
                Execute(source.Handle, source.Path, $"PRAGMA page_size = {pageSize.ToString(CultureInfo.InvariantCulture)}");
                Execute(source.Handle, source.Path, $"VACUUM INTO '{converted.Replace("'", "''", StringComparison.Ordinal)}'");
            }
            using var convertedSource = converted is null ? null : SourceFile.Open(converted, context.BusyTimeout);
            from = convertedSource?.Handle ?? from;

            using var store = location.Open(pageSize, context.StoreSettings);
            var target = new RollbackFormatStore(store, context.Codec);
            BackupCopy.Result result;
            using (var db = context.OpenDatabase(target, "import"))
            using (var connection = db.OpenConnection())
            {
                result = BackupCopy.Run(context, connection.Handle, from, $"Importing {Path.GetFileName(source.Path)}");
            }
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Imported {source.Path} into {location}: {result.Pages} pages of {pageSize} bytes ({result.Pages * pageSize} bytes) in {result.Elapsed.TotalSeconds:0.00} s ({result.PagesPerSecond:0} pages/s)"));
            if (result.Restarts > 0)
            {
                context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"The source changed during the copy; SQLite restarted it {result.Restarts} time(s), so the store holds one consistent version."));
            }
            if (target.Rewrote)
            {
                context.Out.WriteLine("The source is in WAL mode; the store keeps it in rollback-journal format (Folio commits atomically without a WAL).");
            }
            IntegrityCheck.RequireOk(context, store, "integrity check", "the imported database");
        }
        finally
        {
            if (converted is not null)
            {
                File.Delete(converted);
                File.Delete(converted + "-journal");
            }
        }
        return ExitCodes.Success;
    }

    private static void Execute(sqlite3 db, string path, string sql)
    {
        var rc = raw.sqlite3_exec(db, sql, out var error);
        if (rc != raw.SQLITE_OK)
        {
            throw new CliDataException($"'{path}': {sql} failed: {error ?? raw.sqlite3_errmsg(db).utf8_to_string()}");
        }
    }
}
