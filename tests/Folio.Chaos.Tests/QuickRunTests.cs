using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Folio.Testing;
using NUnit.Framework;

namespace Folio.Chaos.Tests;

/// <summary>
/// <c>Folio.Chaos --quick</c> as CI runs it: redis-server (master and replica; shared and owned), the file store and
/// Garnet under faults, its history checked; it must end with no anomaly and reach the figures
/// issue 14 asks of a CI run.
/// </summary>
[NonParallelizable]
public sealed partial class QuickRunTests
{
    private static readonly string Program = typeof(QuickRunTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "FolioChaos").Value!;

    [Test]
    [CancelAfter(240_000)]
    public void TheQuickRunFindsNoAnomalyAfterAtLeastFiftyFaultsOfSixKinds()
    {
        // The tests fail, never skip, without Garnet: installing it here names the cause if it cannot be.
        _ = GarnetTool.Executable;
        using var process = DotnetProcess.Start(Program, "--quick");
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var watch = Stopwatch.StartNew();
        if (!process.WaitForExit(TimeSpan.FromMinutes(4)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the quick run did not end within 4 minutes:\n{stdout.Result}\n{stderr.Result}");
        }
        var output = stdout.Result + stderr.Result;
        TestContext.Out.WriteLine(output);
        TestContext.Out.WriteLine($"figure chaos_quick_seconds {watch.Elapsed.TotalSeconds:0}");
        Assert.That(process.ExitCode, Is.Zero, output);

        var summary = Summary().Match(stdout.Result);
        Assert.That(summary.Success, Is.True, "no summary line:\n" + output);
        int Number(string group) => int.Parse(summary.Groups[group].Value, CultureInfo.InvariantCulture);
        var kinds = summary.Groups["kinds"].Value.Split(", ").Select(k => k.Split('=')).ToDictionary(k => k[0], k => int.Parse(k[1], CultureInfo.InvariantCulture));
        Assert.That(Number("anomalies"), Is.Zero, output);
        Assert.That(Number("ops"), Is.GreaterThanOrEqualTo(2000), output);
        Assert.That(Number("faults"), Is.GreaterThanOrEqualTo(50).And.EqualTo(kinds.Values.Sum()), output);
        Assert.That(kinds.Keys, Has.Count.GreaterThanOrEqualTo(6), output);
        Assert.That(kinds.Keys, Is.SupersetOf(new[] { "kill-client", "kill-in-commit", "inject", "latency", "drop", "cut" }), output);
        foreach (var store in new[] { "redis", "redis-owned", "file", "garnet" })
        {
            Assert.That(stdout.Result, Does.Match($"(?m)^{store}: \\d+ ops .*, 0 anomalies$"), $"{store} ran and found nothing:\n{output}");
        }
    }

    [GeneratedRegex(@"(?m)^chaos: (?<ops>\d+) ops, (?<faults>\d+) faults \((?<kinds>[a-z-]+=\d+(, [a-z-]+=\d+)*)\), (?<unknown>\d+) unknown, (?<anomalies>\d+) anomalies$")]
    private static partial Regex Summary();
}
