using System.Globalization;

namespace Folio.Cli;

/// <summary>
/// The arguments of one command: positionals in order, and options given as <c>--name value</c>,
/// <c>--name=value</c> or bare <c>--flag</c>. Only options the command declares are accepted, so a
/// typo is a usage error instead of being silently ignored.
/// </summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, string?> _options;

    private CommandLine(string command, List<string> positionals, Dictionary<string, string?> options)
    {
        Command = command;
        Positionals = positionals;
        _options = options;
    }

    /// <summary>The command's name (<c>import</c>, <c>sql</c>...).</summary>
    public string Command { get; }

    /// <summary>The arguments that are not options, in order.</summary>
    public IReadOnlyList<string> Positionals { get; }

    /// <summary>
    /// Splits <paramref name="args"/> (the words after the command) by the command's declared
    /// options: <paramref name="valueOptions"/> take a value, <paramref name="flags"/> do not.
    /// </summary>
    /// <exception cref="UsageException">An unknown option, a flag with a value or an option without one.</exception>
    public static CommandLine Parse(string command, IEnumerable<string> args, IReadOnlyCollection<string> valueOptions, IReadOnlyCollection<string> flags)
    {
        var positionals = new List<string>();
        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        var onlyPositionals = false;
        using var words = args.GetEnumerator();
        while (words.MoveNext())
        {
            var word = words.Current;
            if (onlyPositionals || !word.StartsWith("--", StringComparison.Ordinal) || word == "-")
            {
                positionals.Add(word);
                continue;
            }
            if (word == "--")
            {
                onlyPositionals = true; // what follows may start with "--" (a SQL comment, say)
                continue;
            }
            var equals = word.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? word[2..] : word[2..equals];
            string? value = equals < 0 ? null : word[(equals + 1)..];
            if (valueOptions.Contains(name))
            {
                if (value is null)
                {
                    if (!words.MoveNext())
                    {
                        throw new UsageException($"option --{name} of '{command}' needs a value");
                    }
                    value = words.Current;
                }
            }
            else if (flags.Contains(name))
            {
                if (value is not null)
                {
                    throw new UsageException($"option --{name} of '{command}' takes no value");
                }
            }
            else
            {
                throw new UsageException($"'{command}' has no option --{name}");
            }
            if (!options.TryAdd(name, value))
            {
                throw new UsageException($"option --{name} of '{command}' is given twice");
            }
        }
        return new CommandLine(command, positionals, options);
    }

    /// <summary>True when the flag or option was given.</summary>
    public bool Has(string name) => _options.ContainsKey(name);

    /// <summary>The option's value, or null when it was not given.</summary>
    public string? Value(string name) => _options.TryGetValue(name, out var value) ? value : null;

    /// <summary>Requires exactly <paramref name="names"/>.Length positionals and returns them.</summary>
    /// <exception cref="UsageException">Too few or too many.</exception>
    public IReadOnlyList<string> Expect(params string[] names)
    {
        if (Positionals.Count < names.Length)
        {
            throw new UsageException($"'{Command}' needs {string.Join(" and ", names.Skip(Positionals.Count).Select(n => $"<{n}>"))}");
        }
        if (Positionals.Count > names.Length)
        {
            throw new UsageException($"'{Command}' takes {names.Length} argument(s) ({string.Join(", ", names.Select(n => $"<{n}>"))}); unexpected '{Positionals[names.Length]}'");
        }
        return Positionals;
    }

    /// <summary>The option as an integer, or null when not given.</summary>
    /// <exception cref="UsageException">Not an integer.</exception>
    public int? Int(string name)
    {
        var text = Value(name);
        if (text is null)
        {
            return null;
        }
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            throw new UsageException($"option --{name} needs a whole number, not '{text}'");
        }
        return value;
    }

    /// <summary>
    /// The option as a duration: seconds (<c>10</c>, <c>2.5</c>, <c>10s</c>) or milliseconds
    /// (<c>500ms</c>); null when not given.
    /// </summary>
    /// <exception cref="UsageException">Not a duration.</exception>
    public TimeSpan? Duration(string name)
    {
        var text = Value(name);
        if (text is null)
        {
            return null;
        }
        var (number, scale) = text.EndsWith("ms", StringComparison.OrdinalIgnoreCase) ? (text[..^2], 0.001)
            : text.EndsWith('s') || text.EndsWith('S') ? (text[..^1], 1.0)
            : (text, 1.0);
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0 || double.IsInfinity(value))
        {
            throw new UsageException($"option --{name} needs a duration such as 10, 2.5s or 500ms, not '{text}'");
        }
        return TimeSpan.FromSeconds(value * scale);
    }
}
