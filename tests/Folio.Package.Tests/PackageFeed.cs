using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using NUnit.Framework;

namespace Folio.Package.Tests;

/// <summary>
/// A folder outside the repository holding freshly packed Folio, Folio.Redis, Folio.Cli and Folio.Extensions.DependencyInjection packages as a feed, and projects
/// that use it the way a user's would: their own nuget.config (that feed, plus the machine's usual
/// sources) and empty Directory.*.props so nothing of the repository's build applies.
/// </summary>
internal sealed class PackageFeed : IDisposable
{
    private PackageFeed(string root, string version)
    {
        Root = root;
        Version = version;
    }

    /// <summary>The temporary folder: the feed, the package cache and the projects.</summary>
    public string Root { get; }

    /// <summary>The version packed: unique, so no package cache can hold an older build of it.</summary>
    public string Version { get; }

    public string FeedDirectory => Path.Combine(Root, "feed");

    /// <summary>The packages packed, each from runtime/&lt;id&gt;.</summary>
    public static readonly string[] PackageIds = ["Folio", "Folio.Redis", "Folio.Cli", "Folio.Extensions.DependencyInjection"];

    public string PackagePath => PackagePathOf("Folio");

    public string PackagePathOf(string id) => Path.Combine(FeedDirectory, $"{id}.{Version}.nupkg");

    /// <summary>Packs each of <see cref="PackageIds"/> from runtime/&lt;id&gt; as built for this test run's configuration.</summary>
    public static PackageFeed Create()
    {
        var root = Directory.CreateTempSubdirectory("folio-package-").FullName;
        var feed = new PackageFeed(root, "0.1.0-packagetest." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture));
        foreach (var file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.WriteAllText(Path.Combine(root, file), "<Project />\n");
        }
        // Packages restore into a cache of our own, falling back on the machine's for everything
        // but Folio; the machine's own sources stay in effect.
        var machineCache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(Path.Combine(root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="folio-test-feed" value="{feed.FeedDirectory}" />
              </packageSources>
              <fallbackPackageFolders>
                <add key="machine" value="{machineCache}" />
              </fallbackPackageFolders>
            </configuration>
            """);

        var configuration = typeof(PackageFeed).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        foreach (var id in PackageIds)
        {
            var project = Path.Combine(RepositoryRoot(), "runtime", id, id + ".csproj");
            var (code, log) = feed.Run("dotnet", RepositoryRoot(), isolated: false, "pack", project, "--no-build", "-c", configuration, "-o", feed.FeedDirectory, "-p:Version=" + feed.Version);
            if (code != 0 || !File.Exists(feed.PackagePathOf(id)))
            {
                feed.Dispose();
                Assert.Fail($"dotnet pack {id} failed ({code}):\n{log}");
            }
        }
        return feed;
    }

    /// <summary>
    /// Writes a console project whose only reference is the package <paramref name="packageId"/>,
    /// with <paramref name="program"/> as its Program.cs: nothing else a user would have to add.
    /// </summary>
    public string CreateProject(string name, string program, string packageId = "Folio", string sdk = "Microsoft.NET.Sdk")
    {
        var directory = Path.Combine(Root, name);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, name + ".csproj"), $"""
            <Project Sdk="{sdk}">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="{packageId}" Version="{Version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), program);
        return directory;
    }

    /// <summary>Runs <c>dotnet</c> with its own package cache; returns the exit code and everything printed.</summary>
    public (int Code, string Output) Dotnet(string directory, params string[] args) => Run("dotnet", directory, isolated: true, args);

    /// <summary>Runs a program; <paramref name="isolated"/> gives it this feed's package cache, as a user's build outside the repository.</summary>
    public (int Code, string Output) Run(string file, string directory, bool isolated, params string[] args)
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
        // A test host started by 'dotnet test' passes MSBuild settings down; a user's build has none.
        foreach (var variable in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(variable);
        }
        if (isolated)
        {
            start.Environment["NUGET_PACKAGES"] = Path.Combine(Root, "packages");
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {string.Join(' ', args)} did not finish in 5 minutes");
        }
        return (process.ExitCode, new StringBuilder().Append(output.Result).Append(error.Result).ToString().ReplaceLineEndings("\n"));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A build server may still hold a file for a moment; the folder is temporary anyway.
        }
    }

    private static string RepositoryRoot([CallerFilePath] string file = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, "..", ".."));
}
