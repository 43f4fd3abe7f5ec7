using System.Runtime.CompilerServices;
using NUnit.Framework;

namespace Folio.Generator.Tests;

/// <summary>The samples' generated code, snapshot-checked from their real source files.</summary>
public class SampleSnapshotTests
{
    [Test]
    public void Todo()
    {
        var source = File.ReadAllText(Path.Combine(RepositoryRoot(), "samples", "Todo", "TodoDb.cs"));
        var (result, output) = GeneratorHarness.Run("using System;\nusing System.Collections.Generic;\n" + source);
        Assert.That(result.Diagnostics, Is.Empty, Snapshot.Describe(result.Diagnostics));
        var problems = GeneratorHarness.CompilerProblems(output);
        Assert.That(problems, Is.Empty, Snapshot.Describe(problems));
        Snapshot.Verify(result);
    }

    private static string RepositoryRoot([CallerFilePath] string file = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, "..", ".."));
}
