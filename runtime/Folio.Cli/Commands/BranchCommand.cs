using System.Globalization;
using Folio.Cli.Stores;

namespace Folio.Cli.Commands;

/// <summary><c>folio branch &lt;store&gt; &lt;new-store&gt; --at …</c>: a new database whose first state is a retained past one.</summary>
internal sealed class BranchCommand : ICliCommand
{
    public string Name => "branch";

    public string Usage => "branch <store> <new-store> --at <version|time|bookmark>";

    public string Summary => "create a new database from a retained past version; it then evolves apart from the original";

    public string Help => $"""
        Creates <new-store> as a new database whose first state is the past state of <store> that
        --at names (FolioDatabase.Branch): every page of that state is read and written once, in
        one commit. The branch has an identity of its own, so its bookmarks are not the origin's,
        and the two evolve independently. <new-store> must not hold a database yet (it may be
        another database in the same outer file: file:<path>#<name>). The branch is written with
        this command's --compression and --key-file.

          --at X   {HistoryPoint.Forms}

        Prints:
          Branched <store> at version <v> (<bookmark>) into <new-store>: <pages> pages of <size> bytes
          bookmark: <the branch's bookmark>
        """;

    public IReadOnlyCollection<string> ValueOptions { get; } = ["at"];

    public IReadOnlyCollection<string> Flags { get; } = [];

    public int Run(CliContext context, CommandLine line)
    {
        var arguments = line.Expect("store", "new-store");
        var location = StoreSchemes.Parse(arguments[0]);
        var targetLocation = StoreSchemes.Parse(arguments[1]);
        var at = HistoryPoint.Required(line);
        if (targetLocation.Probe() is { } existing && (existing.PageCount > 0 || SameStore(location, targetLocation)))
        {
            throw new CliDataException(string.Create(CultureInfo.InvariantCulture,
                $"store '{targetLocation}' already holds a database ({existing.PageCount} pages); a branch starts a new database, so name a store that does not exist yet"));
        }
        using var store = location.OpenExisting(context.StoreSettings);
        using var db = context.OpenDatabase(store, "branch");
        var wanted = at.Find(db, store, location);
        using var target = targetLocation.Open(store.PageSize, context.StoreSettings);
        var branch = db.Branch(wanted, target);
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Branched {location} at version {wanted.Version} ({wanted}) into {targetLocation}: {target.GetHead().PageCount} pages of {target.PageSize} bytes"));
        context.Out.WriteLine($"bookmark: {branch}");
        return ExitCodes.Success;
    }

    private static bool SameStore(StoreLocation a, StoreLocation b) => string.Equals(a.Uri, b.Uri, StringComparison.Ordinal);
}
