namespace Folio.Cli.Commands;

/// <summary>One <c>folio</c> command: its name, usage line, options and behaviour.</summary>
internal interface ICliCommand
{
    /// <summary>The word after <c>folio</c>.</summary>
    string Name { get; }

    /// <summary>The usage line (without <c>folio</c>).</summary>
    string Usage { get; }

    /// <summary>One line saying what the command does.</summary>
    string Summary { get; }

    /// <summary>What the command prints and does, for <c>folio &lt;command&gt; --help</c>.</summary>
    string Help { get; }

    /// <summary>Options that take a value.</summary>
    IReadOnlyCollection<string> ValueOptions { get; }

    /// <summary>Options that are flags.</summary>
    IReadOnlyCollection<string> Flags { get; }

    /// <summary>Runs the command; returns the exit code, or throws <see cref="UsageException"/> / <see cref="CliDataException"/>.</summary>
    int Run(CliContext context, CommandLine line);
}
