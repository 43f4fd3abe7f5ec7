using System.Runtime.CompilerServices;
using Folio.Generator;
using Microsoft.CodeAnalysis;
using NUnit.Framework;

namespace Folio.Analyzers.Tests;

/// <summary>Every rule has its page under docs/rules, linked from the diagnostic and listed in the index.</summary>
public class RuleDocsTests
{
    private static IEnumerable<DiagnosticDescriptor> Rules => DiagnosticDescriptors.All.Concat(DiagnosticDescriptors.BuildChecks);

    [TestCaseSource(nameof(Rules))]
    public void EachRuleLinksToAPageThatExplainsIt(DiagnosticDescriptor rule)
    {
        Assert.That(rule.HelpLinkUri, Is.EqualTo($"https://github.com/folio/folio/blob/main/docs/rules/{rule.Id}.md"));
        var path = Path.Combine(RulesDirectory(), rule.Id + ".md");
        Assert.That(File.Exists(path), Is.True, path);
        var page = File.ReadAllText(path);
        Assert.That(page, Does.StartWith($"# {rule.Id}: {rule.Title}\n"));
        Assert.That(page, Does.Contain($"| Severity | {rule.DefaultSeverity.ToString().ToLowerInvariant()} |"));
        foreach (var section in new[] { "## What", "## Why", "## How to fix", "## Example" })
        {
            Assert.That(page, Does.Contain("\n" + section + "\n"), section);
        }
        Assert.That(page[page.IndexOf("## Example", StringComparison.Ordinal)..], Does.Contain("```csharp"));
        var reporter = FolioAnalyzer.Reported.Contains(rule.Id) ? "the analyzer"
            : DiagnosticDescriptors.BuildChecks.Contains(rule) ? "the build's SQL check"
            : "the generator";
        Assert.That(page, Does.Contain($"| Reported by | {reporter}"));
    }

    [Test]
    public void TheIndexListsEveryRuleAndNoOther()
    {
        var index = File.ReadAllText(Path.Combine(RulesDirectory(), "README.md"));
        var listed = System.Text.RegularExpressions.Regex.Matches(index, @"\| \[(FOLIO\d{3})\]\(\1\.md\) \| (\w+) \|")
            .Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();
        Assert.That(listed, Is.EquivalentTo(Rules.Select(r => (r.Id, r.DefaultSeverity.ToString().ToLowerInvariant()))));
        var pages = Directory.EnumerateFiles(RulesDirectory(), "FOLIO*.md").Select(Path.GetFileNameWithoutExtension);
        Assert.That(pages, Is.EquivalentTo(Rules.Select(r => r.Id)));
    }

    [Test]
    public void MessagesNameWhatIsWrong()
    {
        // Every message takes the offending member or value as an argument.
        Assert.That(Rules.Where(r => !r.MessageFormat.ToString(System.Globalization.CultureInfo.InvariantCulture).Contains("{0}", StringComparison.Ordinal)).Select(r => r.Id), Is.Empty);
    }

    private static string RulesDirectory([CallerFilePath] string file = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, "..", "..", "docs", "rules"));
}
