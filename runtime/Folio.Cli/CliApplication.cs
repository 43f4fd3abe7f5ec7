using System.Globalization;
using System.Reflection;
using Folio.Cli.Commands;
using Folio.Cli.Stores;
using Folio.Storage;
using Spectre.Console;

namespace Folio.Cli;

/// <summary>
/// The <c>folio</c> command line: finds the command, parses its options, runs it and turns every
/// failure into one line on standard error and an exit code (see <see cref="ExitCodes"/>).
/// </summary>
public static class CliApplication
{
    private static readonly ICliCommand[] Commands =
        [
            new ImportCommand(), new ExportCommand(), new InfoCommand(), new VerifyCommand(), new SqlCommand(), new RekeyCommand(),
            new LogCommand(), new RestoreCommand(), new BranchCommand(),
        ];

    // Options every command takes.
    private static readonly string[] CommonValueOptions = ["busy-timeout", "key-file", "compression"];
    private static readonly string[] CommonFlags = ["stats", "help"];

    /// <summary>Runs <c>folio</c> on the process's console.</summary>
    public static int RunOnConsole(string[] args) => Run(args, Console.Out, Console.Error, AnsiConsole.Console, Console.In);

    /// <summary>Runs <c>folio</c> with the given arguments and writers; returns the exit code.</summary>
    /// <param name="args">The words after <c>folio</c>.</param>
    /// <param name="output">Results.</param>
    /// <param name="error">Error lines and <c>--stats</c>.</param>
    /// <param name="console">A console over <paramref name="output"/>; a plain one (no colours, no live progress) when null.</param>
    /// <param name="input">Standard input for <c>sql &lt;store&gt; -</c>; empty when null.</param>
    public static int Run(string[] args, TextWriter output, TextWriter error, IAnsiConsole? console = null, TextReader? input = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        console ??= PlainConsole(output);
        if (!console.Profile.Capabilities.Interactive)
        {
            // Output for a pipe or a file: no terminal width to respect, so tables never wrap.
            console.Profile.Width = 1000;
        }
        var context = new CliContext(output, error, console, input ?? TextReader.Null);
        CommandLine? line = null;
        try
        {
            if (args.Length == 0)
            {
                throw new UsageException("no command given");
            }
            switch (args[0])
            {
                case "--help" or "-h" or "help":
                    output.Write(GeneralHelp());
                    return ExitCodes.Success;
                case "--version":
                    output.WriteLine($"folio {typeof(CliApplication).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?"}");
                    return ExitCodes.Success;
            }
            var command = Commands.FirstOrDefault(c => c.Name == args[0])
                ?? throw new UsageException($"unknown command '{args[0]}'; the commands are {string.Join(", ", Commands.Select(c => c.Name))}");
            line = CommandLine.Parse(command.Name, args.Skip(1), [.. command.ValueOptions, .. CommonValueOptions], [.. command.Flags, .. CommonFlags]);
            if (line.Has("help"))
            {
                output.WriteLine($"usage: folio {command.Usage}");
                output.WriteLine();
                output.WriteLine(command.Help.TrimEnd());
                return ExitCodes.Success;
            }
            context.BusyTimeout = line.Duration("busy-timeout") ?? context.BusyTimeout;
            context.Codec = CodecOptions.Parse(line);
            return command.Run(context, line);
        }
        catch (UsageException e)
        {
            error.WriteLine($"folio: {OneLine(e.Message)} (usage: folio --help)");
            return ExitCodes.UsageError;
        }
        catch (Exception e) when (e is CliDataException or FolioException or FormatException or StoreConflictException or PageCorruptException
            or PageSizeMismatchException or VersionNotRetainedException or IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException)
        {
            error.WriteLine($"folio: {OneLine(MessageOf(e))}");
            return ExitCodes.DataError;
        }
        finally
        {
            if (line?.Has("stats") == true)
            {
                foreach (var (label, statistics) in context.Statistics)
                {
                    error.WriteLine($"stats ({label}): {statistics}");
                }
            }
        }
    }

    /// <summary>The exception's message, without the " (Parameter 'name')" that an ArgumentException appends for programmers.</summary>
    private static string MessageOf(Exception e) =>
        e is ArgumentException { ParamName: { } name } && e.Message.EndsWith($" (Parameter '{name}')", StringComparison.Ordinal)
            ? e.Message[..^$" (Parameter '{name}')".Length]
            : e.Message;

    /// <summary>Folds a message onto one line, as every error line must be.</summary>
    public static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>A console with no colours and no live display, writing to <paramref name="output"/>.</summary>
    public static IAnsiConsole PlainConsole(TextWriter output) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Ansi = AnsiSupport.No,
        ColorSystem = ColorSystemSupport.NoColors,
        Interactive = InteractionSupport.No,
        Out = new AnsiConsoleOutput(output),
    });

    private static string GeneralHelp()
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine("folio: import, export, inspect, verify and query Folio stores, and go back in their history");
        text.AppendLine();
        text.AppendLine("usage:");
        foreach (var command in Commands)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  folio {command.Usage}");
            text.AppendLine(CultureInfo.InvariantCulture, $"      {command.Summary}");
        }
        text.AppendLine();
        text.AppendLine("options of every command:");
        text.AppendLine("  --stats             print what the store did (calls, pages and bytes read and written) on stderr");
        text.AppendLine("  --busy-timeout T    wait up to T for other writers: 10, 2.5s or 500ms (default 10s)");
        text.AppendLine("  --compression C     compress pages this command writes: none (default), lz4 or zstd; every kind is read");
        text.AppendLine("  --key-file PATH     encrypt pages with AES-256-GCM under the keys in PATH (lines '<id> <base64 key>';");
        text.AppendLine("                      the highest id is current); an encrypted store cannot be read without it");
        text.AppendLine("  --help              what the command does and prints");
        text.AppendLine();
        text.AppendLine("stores:");
        foreach (var scheme in StoreSchemes.All)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {scheme.Syntax}");
        }
        text.AppendLine("  (a file path without an extension is a directory holding folio.db)");
        text.AppendLine();
        text.AppendLine("exit codes: 0 success, 1 SQL or data error, 2 usage error");
        return text.ToString();
    }
}
