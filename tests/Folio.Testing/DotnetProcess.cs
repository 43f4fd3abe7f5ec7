using System.Diagnostics;

namespace Folio.Testing;

/// <summary>Starts a built .NET program (<c>dotnet program.dll args…</c>) with its standard streams redirected.</summary>
public static class DotnetProcess
{
    /// <summary>Starts <paramref name="program"/> with <paramref name="args"/>; stdin is redirected too.</summary>
    public static Process Start(string program, params string[] args) => StartIn(null, program, args);

    /// <summary>As <see cref="Start"/>, in <paramref name="workingDirectory"/> (this process's own when null).</summary>
    public static Process StartIn(string? workingDirectory, string program, params string[] args)
    {
        if (!File.Exists(program))
        {
            throw new FileNotFoundException($"the child program is not built at {program}", program);
        }
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        info.ArgumentList.Add(program);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        return Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
    }

    /// <summary>SIGKILL (Process.Kill sends it on Unix) and wait for the exit; nothing happens to a process that had exited already.</summary>
    public static void KillAndWait(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: false);
        }
        catch (InvalidOperationException)
        {
            // It had exited already.
        }
        process.WaitForExit();
    }
}
