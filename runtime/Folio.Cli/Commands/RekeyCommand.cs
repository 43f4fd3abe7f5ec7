using System.Globalization;
using Folio.Cli.Stores;
using Folio.Storage;

namespace Folio.Cli.Commands;

/// <summary><c>folio rekey &lt;store&gt; --key-file PATH</c>: every page under the current key.</summary>
internal sealed class RekeyCommand : ICliCommand
{
    public string Name => "rekey";

    public string Usage => "rekey <store> --key-file PATH [--compression C] [--batch N] [--pause T] [--all]";

    public string Summary => "rewrite every page under the key file's current key (and --compression), in small commits, while others keep using the store";

    public string Help => """
        Rewrites every page that is not yet encrypted under the key file's current key (the highest
        id), N pages per commit (--batch, default 256). Each batch is an ordinary compare-and-set
        commit: writers keep working meanwhile, and a batch that loses to one is read again. The key
        file must hold every key the pages use. A database that is not encrypted yet becomes
        encrypted. Interrupted (even killed), it leaves a readable database: run it again to finish.

          --batch N   pages per commit (1..65536)
          --pause T   wait T between commits (10, 2.5s or 500ms), leaving the store to other writers
          --all       also rewrite pages already under the current key (to change the compression)

        Prints:
          rekey: <rewritten> of <pages> pages rewritten in <batches> commits (<conflicts> retried after other writers), version <v>
          codec: <the stages pages are now written with>
        """;

    public IReadOnlyCollection<string> ValueOptions { get; } = ["batch", "pause"];

    public IReadOnlyCollection<string> Flags { get; } = ["all"];

    public int Run(CliContext context, CommandLine line)
    {
        var location = StoreSchemes.Parse(line.Expect("store")[0]);
        if (context.Codec is not PageCodec codec || (codec.Keys is null && !line.Has("all")))
        {
            throw new UsageException("'rekey' needs --key-file (or --compression with --all, to recompress)");
        }
        var batch = line.Int("batch") ?? 256;
        if (batch is < 1 or > 65536)
        {
            throw new UsageException($"--batch {batch} is invalid: it must be from 1 to 65536");
        }
        var pause = line.Duration("pause") ?? TimeSpan.Zero;
        using var store = location.OpenExisting(context.StoreSettings);
        var result = PageRekey.Run(store, codec, batch, line.Has("all"), pause > TimeSpan.Zero ? (_, _) => Thread.Sleep(pause) : null);
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rekey: {result.Rewritten} of {result.Pages} pages rewritten in {result.Batches} commits ({result.Conflicts} retried after other writers), version {result.Version}"));
        context.Out.WriteLine($"codec: {codec.Describe()}");
        return ExitCodes.Success;
    }
}
