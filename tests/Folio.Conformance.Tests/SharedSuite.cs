namespace Folio.Conformance.Tests;

/// <summary>Where the sqllogictest scripts are: <c>tests/Folio.Conformance/sqllogictest</c> in the repository.</summary>
internal static class SharedSuite
{
    /// <summary>The repository root: the nearest directory above the test binaries holding Directory.Packages.props.</summary>
    public static string? RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Directory.Packages.props")))
                {
                    return dir.FullName;
                }
            }
            return null;
        }
    }

    /// <summary>The scripts folder, or null when the repository root cannot be found.</summary>
    public static string? Directory =>
        RepositoryRoot is { } root ? Path.Combine(root, "tests", "Folio.Conformance", "sqllogictest") : null;

    /// <summary>Every script in the folder, sorted; empty when the folder is missing.</summary>
    public static IReadOnlyList<string> Scripts =>
        Directory is { } dir && System.IO.Directory.Exists(dir)
            ? ScriptFiles.Expand([dir])
            : [];
}
