using System.Diagnostics;
using System.Reflection;

namespace Folio.Cli.Tests;

/// <summary>What one run of <c>folio</c> did.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}--- stderr\n{Error}";
}

/// <summary>Runs <c>folio</c>: in this process through its entry point, or as the real process.</summary>
public static class Cli
{
    /// <summary>The built tool (see the project file).</summary>
    public static string DllPath { get; } = typeof(Cli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "FolioCli").Value!;

    /// <summary>Runs the command in this process, with plain (non-interactive) output.</summary>
    public static CliResult Run(params string[] args) => RunWithInput(null, args);

    /// <summary>Runs the command in this process with <paramref name="input"/> as standard input.</summary>
    public static CliResult RunWithInput(string? input, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = CliApplication.Run(args, output, error, null, input is null ? null : new StringReader(input));
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>Runs <c>dotnet Folio.Cli.dll</c> with the arguments, in <paramref name="workingDirectory"/>.</summary>
    public static CliResult RunProcess(string workingDirectory, params string[] args)
    {
        if (!File.Exists(DllPath))
        {
            throw new FileNotFoundException($"the folio tool is not built at {DllPath}", DllPath);
        }
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(DllPath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill();
            throw new TimeoutException($"folio {string.Join(' ', args)} did not finish in 5 minutes");
        }
        return new CliResult(process.ExitCode, stdout, stderr.Result);
    }
}
