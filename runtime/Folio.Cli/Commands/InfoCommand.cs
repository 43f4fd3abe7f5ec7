using System.Globalization;
using Folio.Cli.Stores;

namespace Folio.Cli.Commands;

/// <summary><c>folio info &lt;store&gt;</c>: what the store holds and where.</summary>
internal sealed class InfoCommand : ICliCommand
{
    public string Name => "info";

    public string Usage => "info <store>";

    public string Summary => "print page size, page count, bytes, version, last commit time and store details";

    public string Help => """
        Prints one "name: value" line each for the store (location, kind, file, database, other
        databases in the same file, sharing), the page size, page count, bytes, the store's
        version (commits so far), the codec stages this command writes with (--compression,
        --key-file), how page 0 is stored (format, compressor, key id, writing version), the last
        commit time (UTC), and a summary of the SQLite database (encoding, user_version, schema
        objects). Exit code 1 when the database cannot be read.
        """;

    public IReadOnlyCollection<string> ValueOptions { get; } = [];

    public IReadOnlyCollection<string> Flags { get; } = [];

    public int Run(CliContext context, CommandLine line)
    {
        var location = StoreSchemes.Parse(line.Expect("store")[0]);
        using var store = location.OpenExisting(context.StoreSettings);
        var head = store.GetHead();
        var lines = new List<KeyValuePair<string, string>> { new("store", location.Uri) };
        lines.AddRange(location.Describe(store));
        lines.Add(new("page size", Invariant($"{store.PageSize} bytes")));
        lines.Add(new("page count", Invariant($"{head.PageCount}")));
        lines.Add(new("bytes", Invariant($"{head.PageCount * store.PageSize}")));
        lines.Add(new("version", Invariant($"{head.Version}")));
        lines.Add(new("codec", context.Codec.Describe() + " (what this command writes; every format is read)"));
        lines.Add(new("page 0", head.PageCount == 0 ? "none" : StoredPage0(store)));
        if (location.LastCommitTime(store) is { } time)
        {
            lines.Add(new("last commit", head.Version == 0 ? "never" : time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'", CultureInfo.InvariantCulture)));
        }
        string? failure = null;
        if (head.PageCount == 0)
        {
            lines.Add(new("sqlite", "empty database"));
        }
        else
        {
            try
            {
                lines.Add(new("sqlite", SqliteSummary(context, store)));
            }
            catch (FolioException e)
            {
                failure = CliApplication.OneLine(e.Message);
                lines.Add(new("sqlite", "unreadable: " + failure));
            }
        }
        Write(context.Out, lines);
        if (failure is not null)
        {
            throw new CliDataException($"store '{location}': the database cannot be read: {failure}");
        }
        return ExitCodes.Success;
    }

    /// <summary>How page 0 is stored: its header's format, compressor, key id and writing version.</summary>
    private static string StoredPage0(Storage.IPageStore store)
    {
        using var reader = store.BeginRead(0);
        var stored = new byte[Storage.ChecksumPageCodec.Instance.MaxEncodedSize(store.PageSize) + 1024];
        var length = reader.ReadPage(0, stored);
        return length == 0 ? "no stored value" : Storage.PageRekey.DescribeStored(stored.AsSpan(0, length));
    }

    /// <summary>Writes "name: value" lines with the values aligned.</summary>
    public static void Write(TextWriter output, IReadOnlyList<KeyValuePair<string, string>> lines)
    {
        var width = lines.Max(l => l.Key.Length) + 2;
        foreach (var (key, value) in lines)
        {
            output.WriteLine((key + ":").PadRight(width) + value);
        }
    }

    private static string SqliteSummary(CliContext context, Storage.IPageStore store)
    {
        using var db = context.OpenDatabase(store, "info");
        using var connection = db.OpenConnection();
        var pageSize = (long)connection.ExecuteScalar("PRAGMA page_size")!;
        var encoding = connection.ExecuteScalar("PRAGMA encoding");
        var userVersion = connection.ExecuteScalar("PRAGMA user_version");
        var counts = connection.Query("SELECT type, count(*) FROM sqlite_schema GROUP BY type")
            .ToDictionary(r => (string)r[0]!, r => (long)r[1]!);
        string Count(string type, string plural)
        {
            var n = counts.GetValueOrDefault(type);
            return Invariant($"{n} {(n == 1 ? type : plural)}");
        }
        var text = Invariant($"{encoding}, user_version {userVersion}, {Count("table", "tables")}, {Count("index", "indexes")}, {Count("view", "views")}, {Count("trigger", "triggers")}");
        if (pageSize != store.PageSize)
        {
            // SQLite's own page size should always be the store's; say so loudly when it is not.
            text += Invariant($"; SQLite's header says page size {pageSize}, not the store's {store.PageSize}");
        }
        return text;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
