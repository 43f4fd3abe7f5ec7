using System.Runtime.CompilerServices;
using NUnit.Framework;

namespace Folio.Generator.Tests;

/// <summary>The samples' generated code, snapshot-checked from their real source files.</summary>
public class SampleSnapshotTests
{
    [Test]
    public void Todo() => VerifySample("Todo", "TodoDb.cs");

    [Test]
    public void TodoApi() => VerifySample("TodoApi", "TodoDb.cs");

    private static void VerifySample(string sample, string file)
    {
        var source = File.ReadAllText(Path.Combine(RepositoryRoot(), "samples", sample, file));
        var (result, output) = GeneratorHarness.Run("using System;\nusing System.Collections.Generic;\nusing System.Threading;\nusing System.Threading.Tasks;\n" + source);
        Assert.That(result.Diagnostics, Is.Empty, Snapshot.Describe(result.Diagnostics));
        var findings = GeneratorHarness.ParserFindings(output);
        Assert.That(findings, Is.Empty, Snapshot.Describe(findings));
        var problems = GeneratorHarness.CompilerProblems(output);
        Assert.That(problems, Is.Empty, Snapshot.Describe(problems));
        Snapshot.Verify(result);
    }

    private static string RepositoryRoot([CallerFilePath] string file = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, "..", ".."));
}
