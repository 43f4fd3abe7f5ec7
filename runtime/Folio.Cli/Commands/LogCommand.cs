using System.Globalization;
using Folio.Cli.Stores;
using Folio.Storage;

namespace Folio.Cli.Commands;

/// <summary><c>folio log &lt;store&gt;</c>: the versions a store retains, newest first.</summary>
internal sealed class LogCommand : ICliCommand
{
    public string Name => "log";

    public string Usage => "log <store> [--json] [--limit N]";

    public string Summary => "list the retained versions, newest first: commit time, pages, pages and bytes written, bookmark";

    public string Help => """
        Lists the versions the store can still read (export --at, restore, branch), newest first.
        A header names the store, its identity and epoch, the retained range, the retention this
        command's store applies when folio commits, and what the history costs the store now
        (past page values kept, their bytes, version records). Then one line per version:

          version  committed (UTC)  pages  pages written  bytes written  bookmark

        The commit time is the committer's clock, to the millisecond; "pages" is the page count
        at that version. A store that keeps no history is a data error (exit code 1).

          --limit N   print only the N newest versions (N >= 1; default: all retained)
          --json      one JSON document instead: store, databaseId, epoch, oldest, newest,
                      retention, usage {values, bytes, versions}, versions [{version, committedAt,
                      pageCount, pagesWritten, bytesWritten, bookmark}]
        """;

    public IReadOnlyCollection<string> ValueOptions { get; } = ["limit"];

    public IReadOnlyCollection<string> Flags { get; } = ["json"];

    public int Run(CliContext context, CommandLine line)
    {
        var location = StoreSchemes.Parse(line.Expect("store")[0]);
        var limit = line.Int("limit");
        if (limit is < 1)
        {
            throw new UsageException($"--limit {limit} is invalid: it must be at least 1");
        }
        using var store = location.OpenExisting(context.StoreSettings);
        var history = HistoryPoint.RequireHistory(store, location);
        var range = history.GetHistoryRange();
        var retained = range.Newest - range.Oldest + 1;
        var versions = history.GetVersions(range.Newest, (int)Math.Min(limit ?? int.MaxValue, retained));
        var usage = history.GetUsage();
        if (line.Has("json"))
        {
            WriteJson(context.Out, location, history.Retention, range, usage, versions);
        }
        else
        {
            WriteText(context.Out, location, history.Retention, range, usage, versions, retained, limit < retained);
        }
        return ExitCodes.Success;
    }

    private static void WriteText(TextWriter output, StoreLocation location, HistoryRetention retention, StoreHistoryRange range,
        StoreHistoryUsage usage, IReadOnlyList<StoreVersion> versions, long retained, bool limited)
    {
        InfoCommand.Write(output,
        [
            new("store", location.Uri),
            new("database", Invariant($"{range.Lineage.DatabaseId:D}, epoch {range.Lineage.Epoch}")),
            new("retained", Invariant($"{range} ({retained} {(retained == 1 ? "version" : "versions")})")),
            new("retention", Invariant($"{retention} (what folio's commits keep; each writer collects by its own setting)")),
            new("history cost", Invariant($"{usage.Values} past page values, {usage.Bytes} bytes, {usage.Versions} version records")),
        ]);
        output.WriteLine();
        string[] header = ["version", "committed (UTC)", "pages", "written", "bytes", "bookmark"];
        var rows = versions.Select(v => new[]
        {
            Invariant($"{v.Version}"), HistoryText.Time(v.CommittedAt), Invariant($"{v.PageCount}"),
            Invariant($"{v.PagesWritten}"), Invariant($"{v.BytesWritten}"), FolioBookmark.Of(range.Lineage, v.Version).ToString(),
        }).ToList();
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        output.WriteLine(Row(header, widths));
        foreach (var row in rows)
        {
            output.WriteLine(Row(row, widths));
        }
        if (versions.Count == 0)
        {
            output.WriteLine("(no commits yet)");
        }
        else if (limited)
        {
            output.WriteLine(Invariant($"({retained - versions.Count} older retained versions not shown; --limit {retained} shows them all)"));
        }
    }

    /// <summary>One line: numbers right-aligned, the time and the bookmark (last) left-aligned.</summary>
    private static string Row(string[] cells, int[] widths) => string.Join("  ", cells.Select((cell, i) =>
        i == cells.Length - 1 ? cell : i == 1 ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i])));

    private static void WriteJson(TextWriter output, StoreLocation location, HistoryRetention retention, StoreHistoryRange range,
        StoreHistoryUsage usage, IReadOnlyList<StoreVersion> versions) => JsonText.WriteLine(output, json =>
    {
        json.WriteStartObject();
        json.WriteString("store", location.Uri);
        json.WriteString("databaseId", range.Lineage.DatabaseId.ToString("D"));
        json.WriteNumber("epoch", range.Lineage.Epoch);
        json.WriteNumber("oldest", range.Oldest);
        json.WriteNumber("newest", range.Newest);
        json.WriteStartObject("retention");
        json.WriteNumber("versions", retention.Versions);
        if (retention.MaxAge is { } age)
        {
            json.WriteNumber("maxAgeSeconds", age.TotalSeconds);
        }
        else
        {
            json.WriteNull("maxAgeSeconds");
        }
        json.WriteEndObject();
        json.WriteStartObject("usage");
        json.WriteNumber("values", usage.Values);
        json.WriteNumber("bytes", usage.Bytes);
        json.WriteNumber("versions", usage.Versions);
        json.WriteEndObject();
        json.WriteStartArray("versions");
        foreach (var version in versions)
        {
            json.WriteStartObject();
            json.WriteNumber("version", version.Version);
            json.WriteString("committedAt", HistoryText.Time(version.CommittedAt));
            json.WriteNumber("pageCount", version.PageCount);
            json.WriteNumber("pagesWritten", version.PagesWritten);
            json.WriteNumber("bytesWritten", version.BytesWritten);
            json.WriteString("bookmark", FolioBookmark.Of(range.Lineage, version.Version).ToString());
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    });

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
