using System.Globalization;
using Folio.Cli.Stores;
using Folio.Interop;
using SQLitePCL;

namespace Folio.Cli.Commands;

/// <summary><c>folio export &lt;store&gt; &lt;file.db&gt;</c>: a store's database into a plain SQLite file.</summary>
internal sealed class ExportCommand : ICliCommand
{
    public string Name => "export";

    public string Usage => "export <store> <file.db> [--at <version|time|bookmark>] [--replace]";

    public string Summary => "copy a store's database into a plain SQLite file (backup API), then check the file";

    public string Help => """
        Copies the store's database into a new SQLite file with SQLite's backup API, from one
        consistent version of the store. The copy is written beside the target under a temporary
        name, checked with PRAGMA integrity_check and only then renamed to <file.db>, so a failed
        export leaves no half-written file.

          --at X      export a past version the store retains instead of the current one: X is a
                      version number, an ISO 8601 time (the version in force then, e.g.
                      2026-12-01T14:00:00Z; UTC unless the time says otherwise) or a bookmark
                      (fb1-…) as 'folio log' prints it
          --replace   overwrite <file.db> when it exists

        Prints a progress bar on a terminal, then:
          Exported <store> [at version <v> (<bookmark>)] to <file>: <pages> pages of <size> bytes (<bytes>) in <s> s (<rate> pages/s)
          integrity_check: ok
        """;

    public IReadOnlyCollection<string> ValueOptions { get; } = ["at"];

    public IReadOnlyCollection<string> Flags { get; } = ["replace"];

    public int Run(CliContext context, CommandLine line)
    {
        var arguments = line.Expect("store", "file.db");
        var location = StoreSchemes.Parse(arguments[0]);
        var at = line.Has("at") ? HistoryPoint.Required(line) : null;
        var target = Path.GetFullPath(arguments[1]);
        if (Directory.Exists(target))
        {
            throw new CliDataException($"'{arguments[1]}' is a directory; name the SQLite file to write");
        }
        if (File.Exists(target) && !line.Has("replace"))
        {
            throw new CliDataException($"'{arguments[1]}' exists; pass --replace to overwrite it");
        }
        var directory = Path.GetDirectoryName(target)!;
        if (!Directory.Exists(directory))
        {
            throw new CliDataException($"directory '{directory}' does not exist");
        }

        using var store = location.OpenExisting(context.StoreSettings);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(target)}.folio-export-{Guid.NewGuid():N}");
        try
        {
            BackupCopy.Result result;
            long pageSize;
            FolioBookmark? bookmark;
            using (var db = context.OpenDatabase(store, "export"))
            {
                bookmark = at?.Find(db, store, location);
                using var past = bookmark is { } wanted ? db.OpenAt(wanted) : null;
                using var connection = (past ?? db).OpenConnection();
                pageSize = (long)connection.ExecuteScalar("PRAGMA page_size")!;
                var rc = raw.sqlite3_open_v2(temporary, out var file, SqliteConstants.SQLITE_OPEN_READWRITE | SqliteConstants.SQLITE_OPEN_CREATE, null);
                using (file)
                {
                    if (rc != SqliteConstants.SQLITE_OK)
                    {
                        throw new CliDataException($"cannot create '{temporary}': {raw.sqlite3_errstr(rc).utf8_to_string()}");
                    }
                    result = BackupCopy.Run(context, file, connection.Handle, $"Exporting to {Path.GetFileName(target)}");
                    var check = SourceFile.Column(file, target, "PRAGMA integrity_check");
                    if (check is not ["ok"])
                    {
                        throw new CliDataException($"the exported copy fails integrity_check: {check.FirstOrDefault()}");
                    }
                }
            }
            File.Move(temporary, target, overwrite: true);
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Exported {location}{(bookmark is { } shown ? $" at version {shown.Version} ({shown})" : "")} to {target}: {result.Pages} pages of {pageSize} bytes ({result.Pages * pageSize} bytes) in {result.Elapsed.TotalSeconds:0.00} s ({result.PagesPerSecond:0} pages/s)"));
            context.Out.WriteLine("integrity_check: ok");
        }
        finally
        {
            File.Delete(temporary);
            File.Delete(temporary + "-journal");
        }
        return ExitCodes.Success;
    }
}
