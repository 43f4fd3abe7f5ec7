using Folio.Conformance.Targets;
using NUnit.Framework;

namespace Folio.Conformance.Tests;

/// <summary>Every shared sqllogictest script, one test case per script and store.</summary>
[TestFixture]
public class SharedSuiteTests
{
    private static readonly string[] Stores = ["native", "memory", "file"];

    public static IEnumerable<TestCaseData> Cases()
    {
        foreach (var store in Stores)
        {
            foreach (var script in SharedSuite.Scripts)
            {
                yield return new TestCaseData(store, script).SetArgDisplayNames(store, Path.GetFileName(script));
            }
        }
    }

    [Test]
    public void TheSharedFolderHoldsScripts()
    {
        Assert.That(SharedSuite.RepositoryRoot, Is.Not.Null, "repository root (Directory.Packages.props) not found above " + AppContext.BaseDirectory);
        Assert.That(System.IO.Directory.Exists(SharedSuite.Directory), Is.True, $"missing: {SharedSuite.Directory}");
        Assert.That(SharedSuite.Scripts, Is.Not.Empty, $"no .test files in {SharedSuite.Directory}");
    }

    [TestCaseSource(nameof(Cases))]
    public void Script(string store, string path)
    {
        var report = ScriptFiles.Run(new SltRunner(), StoreTargets.Get(store), path);
        TestContext.Out.WriteLine(ConsoleApp.SummaryLine(report));
        var details = string.Join("\n\n", report.Failures.Take(20).Select(f => f.Describe()));
        Assert.Multiple(() =>
        {
            Assert.That(report.Failed, Is.Zero, $"{report.Failed} records failed on '{store}':\n{details}");
            Assert.That(report.Records, Is.GreaterThan(0), "no record ran");
        });
    }
}
