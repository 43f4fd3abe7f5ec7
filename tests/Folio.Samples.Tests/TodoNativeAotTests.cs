using System.Diagnostics;
using System.Runtime.CompilerServices;
using NUnit.Framework;

namespace Folio.Samples.Tests;

/// <summary>
/// Publishes samples/Todo with NativeAOT and runs the native binary. It takes minutes on two
/// cores, so it runs only when FOLIO_AOT_TESTS=1 (CI sets it); otherwise it is reported as ignored.
/// </summary>
[Category("NativeAot")]
public class TodoNativeAotTests
{
    [Test]
    public void PublishesWithoutWarningsAndTheNativeBinaryAddsAndLists()
    {
        if (Environment.GetEnvironmentVariable("FOLIO_AOT_TESTS") != "1")
        {
            Assert.Ignore("set FOLIO_AOT_TESTS=1 to publish samples/Todo with NativeAOT");
        }
        var output = Directory.CreateTempSubdirectory("folio-todo-aot-").FullName;
        var data = Directory.CreateTempSubdirectory("folio-todo-aot-data-").FullName;
        try
        {
            var project = Path.Combine(RepositoryRoot(), "samples", "Todo", "Todo.csproj");
            var (code, log) = Run("dotnet", RepositoryRoot(), "publish", project, "-c", "Release", "-r", "linux-x64", "-p:PublishAot=true", "-o", output);
            Assert.That(code, Is.EqualTo(0), log);
            var warnings = log.Split('\n').Where(l => l.Contains(": warning ", StringComparison.Ordinal)).ToList();
            Assert.That(warnings, Is.Empty, "NativeAOT publish warnings");

            var binary = Path.Combine(output, "Todo");
            Assert.That(Run(binary, data, "add", "native", "todo"), Is.EqualTo((0, "added #1: native todo\n")));
            Assert.That(Run(binary, data, "list"), Is.EqualTo((0, "[ ] #1 native todo\n0 of 1 done\n")));
        }
        finally
        {
            Directory.Delete(output, recursive: true);
            Directory.Delete(data, recursive: true);
        }
    }

    private static (int Code, string Output) Run(string file, string directory, params string[] args)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(15)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {string.Join(' ', args)} did not finish");
        }
        return (process.ExitCode, (output.Result + error.Result).ReplaceLineEndings("\n"));
    }

    private static string RepositoryRoot([CallerFilePath] string file = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, "..", ".."));
}
