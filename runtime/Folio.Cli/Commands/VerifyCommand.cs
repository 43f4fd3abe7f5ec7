using System.Globalization;
using Folio.Cli.Stores;
using Folio.Storage;

namespace Folio.Cli.Commands;

/// <summary><c>folio verify &lt;store&gt;</c>: every page's checksum, then SQLite's integrity check.</summary>
internal sealed class VerifyCommand : ICliCommand
{
    private const int PagesPerRead = 128;

    public string Name => "verify";

    public string Usage => "verify <store>";

    public string Summary => "check every page's checksum and PRAGMA integrity_check; exit 0 only when both are clean";

    public string Help => """
        Reads every stored page of one version of the store and checks its Folio checksum (an
        encrypted page: its AES-GCM tag, with --key-file), naming each page that fails and the
        check it failed (Folio numbers pages from 0; SQLite from 1), then runs
        PRAGMA integrity_check through Folio. Prints:
          corrupt page <n> (SQLite page <n+1>): <reason>      one line per bad page
          checksums: <pages> pages checked, <bad> corrupt, <missing> without a stored value
          integrity_check: ok                               or SQLite's messages
          verify: ok                                        or verify: FAILED
        Exit code 0 only when no page is corrupt and integrity_check says ok; 1 otherwise.
        """;

    public IReadOnlyCollection<string> ValueOptions { get; } = [];

    public IReadOnlyCollection<string> Flags { get; } = [];

    public int Run(CliContext context, CommandLine line)
    {
        var location = StoreSchemes.Parse(line.Expect("store")[0]);
        using var store = location.OpenExisting(context.StoreSettings);

        var (checkedPages, corrupt, missing) = CheckPages(context, store);
        context.Out.WriteLine(Invariant($"checksums: {checkedPages} pages checked, {corrupt.Count} corrupt, {missing} without a stored value"));

        var messages = IntegrityCheck.Run(context, store, "verify");
        foreach (var message in messages)
        {
            context.Out.WriteLine($"integrity_check: {message}");
        }
        var integrityOk = IntegrityCheck.IsOk(messages);
        if (corrupt.Count == 0 && integrityOk)
        {
            context.Out.WriteLine("verify: ok");
            return ExitCodes.Success;
        }
        context.Out.WriteLine("verify: FAILED");
        var problems = new List<string>();
        if (corrupt.Count > 0)
        {
            problems.Add(Invariant($"{corrupt.Count} corrupt page(s): {string.Join(", ", corrupt)}"));
        }
        if (!integrityOk)
        {
            problems.Add($"integrity_check: {messages[0]}");
        }
        throw new CliDataException($"store '{location}' failed verification: {string.Join("; ", problems)}");
    }

    /// <summary>Decodes every stored page of one version; prints each bad one.</summary>
    private static (long Checked, List<long> Corrupt, long Missing) CheckPages(CliContext context, IPageStore store)
    {
        var codec = context.Codec;
        // With encryption every page is also checked against the database's version map: each must be its last write.
        var map = codec.CarriesVersionMap ? new PageVersionMap(codec, store.PageSize) : null;
        // Room for a value larger than a page can encode to, so an oversized value is reported as corrupt.
        var slot = codec.MaxEncodedSize(store.PageSize) + 1024;
        var page = new byte[store.PageSize];
        var corrupt = new List<long>();
        long missing = 0;
        using var reader = store.BeginRead(0);
        var buffer = new byte[slot * PagesPerRead];
        var lengths = new int[PagesPerRead];
        for (long first = 0; first < reader.PageCount; first += PagesPerRead)
        {
            var count = (int)Math.Min(PagesPerRead, reader.PageCount - first);
            var numbers = Enumerable.Range(0, count).Select(i => first + i).ToArray();
            var batchFailed = false;
            try
            {
                reader.ReadPages(numbers, buffer, slot, lengths);
            }
            catch (PageCorruptException)
            {
                batchFailed = true; // one bad value spoils the batch: read its pages one by one
            }
            for (var i = 0; i < count; i++)
            {
                var number = numbers[i];
                try
                {
                    var stored = buffer.AsSpan(i * slot, slot);
                    var length = batchFailed ? reader.ReadPage(number, stored) : lengths[i];
                    if (length == 0)
                    {
                        missing++;
                        map?.CheckAbsent(store.Name, reader, number);
                        continue;
                    }
                    if (map is not null)
                    {
                        map.Decode(store.Name, reader, number, stored[..length], page);
                    }
                    else
                    {
                        codec.Decode(store.Name, new PageAddress(reader.Lineage.DatabaseId, number, reader.Version), stored[..length], page);
                    }
                }
                catch (PageCorruptException e)
                {
                    corrupt.Add(number);
                    context.Out.WriteLine(Invariant($"corrupt page {number} (SQLite page {number + 1}): {e.Message}"));
                }
            }
        }
        return (reader.PageCount, corrupt, missing);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
