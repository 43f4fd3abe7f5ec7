using System.Diagnostics;
using NUnit.Framework;

namespace Folio.Cli.Tests;

/// <summary>The sqlite3 command-line shell (scripts/test.sh installs it).</summary>
public static class SqliteShell
{
    /// <summary>The output of <c>sqlite3 &lt;path&gt; .dump</c>; the test is skipped, visibly, when the shell is missing.</summary>
    public static string Dump(string path)
    {
        var start = new ProcessStartInfo("sqlite3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-readonly");
        start.ArgumentList.Add(path);
        start.ArgumentList.Add(".dump");
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Ignore("the sqlite3 shell is not installed (scripts/test.sh installs it)");
            throw; // not reached
        }
        using (process)
        {
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.That(process.ExitCode, Is.EqualTo(0), $"sqlite3 .dump {path}: {error.Result}");
            return output;
        }
    }
}
