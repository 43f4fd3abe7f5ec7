using System.Diagnostics;
using NUnit.Framework;

namespace Folio.Package.Tests;

/// <summary>
/// Packs the packages once for every fixture of this project, so that all fresh projects restore
/// from one feed into one package folder.
/// </summary>
[SetUpFixture]
public sealed class PackedFeed
{
    /// <summary>The feed of this test run.</summary>
    internal static PackageFeed Feed { get; private set; } = null!;

    [OneTimeSetUp]
    public void Pack()
    {
        var clock = Stopwatch.StartNew();
        Feed = PackageFeed.Create();
        TestContext.Progress.WriteLine($"packed {string.Join(", ", PackageFeed.PackageIds)} {Feed.Version} in {clock.Elapsed.TotalSeconds:F1} s");
    }

    [OneTimeTearDown]
    public void Clean() => Feed?.Dispose();
}
