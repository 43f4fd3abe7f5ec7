using System.Diagnostics;

namespace Folio.Testing;

/// <summary>
/// Finds Microsoft's Garnet server (the dotnet tool <c>garnet-server</c>), installing it on first
/// use with <c>dotnet tool install --tool-path</c> into <c>artifacts/tools/garnet-server-VERSION</c>
/// of the repository (an ignored folder), or into <c>$HOME/.folio/tools</c> when the tests do not
/// run from a clone. <c>FOLIO_GARNET</c> may name an installed <c>garnet-server</c> instead.
/// </summary>
public static class GarnetTool
{
    /// <summary>The version the tests run against.</summary>
    public const string Version = "2.2.8";

    /// <summary>The environment variable naming an installed garnet-server executable.</summary>
    public const string Variable = "FOLIO_GARNET";

    private static readonly Lazy<string> Installed = new(Install);

    /// <summary>The garnet-server executable; installs it when it is not there yet.</summary>
    /// <exception cref="InvalidOperationException">It is not installed and cannot be (the message says why): the tests fail, never skip.</exception>
    public static string Executable => Installed.Value;

    private static string Install()
    {
        var named = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrEmpty(named))
        {
            return File.Exists(named) ? named : throw new InvalidOperationException($"{Variable} names '{named}', which does not exist.");
        }
        var directory = Path.Combine(ToolsRoot(), "garnet-server-" + Version);
        var executable = Path.Combine(directory, OperatingSystem.IsWindows() ? "garnet-server.exe" : "garnet-server");
        if (File.Exists(executable))
        {
            return executable;
        }
        // Test projects run in parallel: one installs while the others wait on the lock file.
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(directory)!);
        using var gate = Lock(directory + ".lock");
        if (!File.Exists(executable))
        {
            try
            {
                RedisServer.RunTool("dotnet", ["tool", "install", "--tool-path", directory, "garnet-server", "--version", Version], TimeSpan.FromMinutes(5));
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
            {
                throw new InvalidOperationException(
                    $"garnet-server {Version} is not installed and 'dotnet tool install --tool-path {directory} garnet-server --version {Version}' failed, " +
                    $"so the Redis store cannot be tested on Garnet. Install it there or set {Variable}. Cause: {e.Message}", e);
            }
        }
        return File.Exists(executable)
            ? executable
            : throw new InvalidOperationException($"dotnet tool install of garnet-server {Version} succeeded but left no {executable}.");
    }

    private static string ToolsRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Directory.Packages.props")))
            {
                return Path.Combine(dir.FullName, "artifacts", "tools");
            }
        }
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".folio", "tools");
    }

    private static FileStream Lock(string path)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (waited.Elapsed < TimeSpan.FromMinutes(5))
            {
                Thread.Sleep(200);
            }
        }
    }
}
