using System.Globalization;
using Folio.Cli.Stores;

namespace Folio.Cli.Commands;

/// <summary><c>folio restore &lt;store&gt; --at …</c>: makes a retained past state current again, as a new version.</summary>
internal sealed class RestoreCommand : ICliCommand
{
    public string Name => "restore";

    public string Usage => "restore <store> --at <version|time|bookmark>";

    public string Summary => "make a retained past version the current state again, in one atomic commit that can itself be undone";

    public string Help => $"""
        Makes the store's current state equal to the past one --at names, in one atomic commit
        (FolioDatabase.RestoreTo): readers see either the state before or the restored one. The
        restore is a new version, so nothing is lost: the line "undo:" gives the command that
        puts back the state from before it.

          --at X   {HistoryPoint.Forms}

        Prints:
          Restored <store> to version <v> (<bookmark>): version <before> -> <after>
          bookmark: <the bookmark of the new current state>
          undo:     folio restore <store> --at <the bookmark of the state before>
        """;

    public IReadOnlyCollection<string> ValueOptions { get; } = ["at"];

    public IReadOnlyCollection<string> Flags { get; } = [];

    public int Run(CliContext context, CommandLine line)
    {
        var location = StoreSchemes.Parse(line.Expect("store")[0]);
        var at = HistoryPoint.Required(line);
        using var store = location.OpenExisting(context.StoreSettings);
        using var db = context.OpenDatabase(store, "restore");
        var wanted = at.Find(db, store, location);
        var before = db.Bookmark;
        var after = db.RestoreTo(wanted);
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Restored {location} to version {wanted.Version} ({wanted}): version {before.Version} -> {after.Version}"));
        context.Out.WriteLine($"bookmark: {after}");
        context.Out.WriteLine($"undo:     folio restore {location} --at {before}");
        return ExitCodes.Success;
    }
}
