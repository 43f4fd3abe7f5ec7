using Folio.Cli.Stores;
using Folio.Diagnostics;
using Spectre.Console;

namespace Folio.Cli;

/// <summary>
/// What a command writes to and the settings every command shares: plain text writers for
/// output and errors, a Spectre.Console console over the output for tables and progress, and
/// the databases whose statistics <c>--stats</c> prints at the end.
/// </summary>
public sealed class CliContext
{
    private readonly List<(string Label, FolioStatistics Statistics)> _statistics = [];

    /// <summary>Creates a context over the given writers.</summary>
    /// <param name="output">Results.</param>
    /// <param name="error">Errors and statistics.</param>
    /// <param name="console">A console over <paramref name="output"/>; decides whether progress is drawn.</param>
    /// <param name="input">Where <c>folio sql &lt;store&gt; -</c> reads its SQL.</param>
    public CliContext(TextWriter output, TextWriter error, IAnsiConsole console, TextReader input)
    {
        In = input;
        Out = output;
        Error = error;
        Console = console;
    }

    /// <summary>Standard input.</summary>
    public TextReader In { get; }

    /// <summary>Where results go.</summary>
    public TextWriter Out { get; }

    /// <summary>Where errors and statistics go.</summary>
    public TextWriter Error { get; }

    /// <summary>The console for tables and progress bars (over <see cref="Out"/>).</summary>
    public IAnsiConsole Console { get; }

    /// <summary>True when progress can be drawn live (an interactive terminal).</summary>
    public bool ShowsProgress => Console.Profile.Capabilities.Interactive && Console.Profile.Capabilities.Ansi;

    /// <summary>How long to wait for other writers (<c>--busy-timeout</c>, default 10 s).</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How pages are encoded (<c>--compression</c>, <c>--key-file</c>); the plain checksum codec by default.</summary>
    public Storage.IPageCodec Codec { get; set; } = Storage.ChecksumPageCodec.Instance;

    /// <summary>The settings stores are opened with.</summary>
    public StoreSettings StoreSettings => new(BusyTimeout);

    /// <summary>The statistics to print for <c>--stats</c>, in the order the databases were opened.</summary>
    public IReadOnlyList<(string Label, FolioStatistics Statistics)> Statistics => _statistics;

    /// <summary>Opens <paramref name="store"/> as a Folio database and remembers its statistics under <paramref name="label"/>.</summary>
    public FolioDatabase OpenDatabase(Storage.IPageStore store, string label)
    {
        var db = FolioDatabase.Open(store, new FolioOptions { BusyTimeout = BusyTimeout, Codec = Codec });
        _statistics.Add((label, db.Statistics));
        return db;
    }
}
