using System.Runtime.CompilerServices;
using System.Text;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Microsoft.CodeAnalysis;
using NUnit.Framework;

namespace Folio.Generator.Tests;

/// <summary>
/// Snapshot checks with Verify's file naming, so moving to Verify later is mechanical:
/// <c>{TestClass}.{TestMethod}#{HintName}.verified.cs</c> per generated file and
/// <c>{TestClass}.{TestMethod}.verified.txt</c> for the diagnostics. A mismatch writes a
/// <c>.received.</c> file beside the verified one and fails with a diff. Set
/// <c>FOLIO_ACCEPT_SNAPSHOTS=1</c> to accept the received output as the new verified files.
/// </summary>
internal static class Snapshot
{
    public const string AcceptVariable = "FOLIO_ACCEPT_SNAPSHOTS";

    private static bool Accepting => Environment.GetEnvironmentVariable(AcceptVariable) == "1";

    /// <summary>Checks every generated file and the generator's diagnostics of <paramref name="result"/>.</summary>
    public static void Verify(GeneratorRunResult result, [CallerFilePath] string callerFile = "")
    {
        var directory = Path.Combine(Path.GetDirectoryName(callerFile)!, "Snapshots");
        var test = TestContext.CurrentContext.Test;
        var prefix = $"{test.ClassName!.Split('.').Last()}.{test.MethodName}";

        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in result.GeneratedSources.OrderBy(s => s.HintName, StringComparer.Ordinal))
        {
            expected[$"{prefix}#{source.HintName}.verified.cs"] = Normalize(source.SourceText.ToString());
        }
        expected[$"{prefix}.verified.txt"] = Describe(result.Diagnostics);

        var failures = new List<string>();
        foreach (var (file, text) in expected)
        {
            var failure = Compare(directory, file, text);
            if (failure is not null)
            {
                failures.Add(failure);
            }
        }
        // A verified file this test no longer produces is stale.
        foreach (var path in Directory.EnumerateFiles(directory, prefix + "*.verified.*"))
        {
            var file = Path.GetFileName(path);
            if (!expected.ContainsKey(file) && (file.StartsWith(prefix + "#", StringComparison.Ordinal) || file.StartsWith(prefix + ".", StringComparison.Ordinal)))
            {
                if (Accepting)
                {
                    File.Delete(path);
                }
                else
                {
                    failures.Add($"{file}: verified, but no longer generated (delete it or run with {AcceptVariable}=1)");
                }
            }
        }
        if (failures.Count > 0)
        {
            Assert.Fail(string.Join("\n\n", failures));
        }
    }

    /// <summary>One line per diagnostic: ID, severity, position and message, in source order.</summary>
    public static string Describe(IEnumerable<Diagnostic> diagnostics)
    {
        var lines = diagnostics
            .OrderBy(d => d.Location.SourceSpan.Start)
            .ThenBy(d => d.Id, StringComparer.Ordinal)
            .Select(d =>
            {
                var span = d.Location.GetLineSpan();
                var where = d.Location.Kind != LocationKind.None ? $"{span.Path}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1})" : "(no location)";
                return $"{d.Id} {d.Severity} {where}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
            })
            .ToList();
        return lines.Count == 0 ? "(no diagnostics)\n" : string.Join("\n", lines) + "\n";
    }

    private static string? Compare(string directory, string file, string actual)
    {
        var verifiedPath = Path.Combine(directory, file);
        var receivedPath = Path.Combine(directory, file.Replace(".verified.", ".received.", StringComparison.Ordinal));
        var verified = File.Exists(verifiedPath) ? Normalize(File.ReadAllText(verifiedPath)) : null;
        if (verified == actual)
        {
            File.Delete(receivedPath);
            return null;
        }
        if (Accepting)
        {
            File.WriteAllText(verifiedPath, actual, new UTF8Encoding(false));
            File.Delete(receivedPath);
            return null;
        }
        File.WriteAllText(receivedPath, actual, new UTF8Encoding(false));
        if (verified is null)
        {
            return $"{file}: no verified snapshot yet; wrote {Path.GetFileName(receivedPath)} (review it, then run with {AcceptVariable}=1)";
        }
        return $"{file}: differs from the verified snapshot (received file written):\n{Diff(verified, actual)}";
    }

    private static string Diff(string verified, string actual)
    {
        var diff = InlineDiffBuilder.Diff(verified, actual, ignoreWhiteSpace: false);
        var text = new StringBuilder();
        foreach (var line in diff.Lines)
        {
            var mark = line.Type switch
            {
                ChangeType.Inserted => "+ ",
                ChangeType.Deleted => "- ",
                _ => null,
            };
            if (mark is not null)
            {
                text.Append(mark).Append(line.Position?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?").Append(": ").AppendLine(line.Text);
            }
        }
        return text.ToString();
    }

    // LF endings, no byte-order mark: snapshots compare the same on every platform.
    private static string Normalize(string text) => text.TrimStart('\uFEFF').Replace("\r\n", "\n", StringComparison.Ordinal);
}
