using NUnit.Framework;

namespace Folio.Generator.Tests;

/// <summary>Every valid page size selects its compile-time page-size type; anything else is FOLIO001.</summary>
public class PageSizeTests
{
    [TestCase(512)]
    [TestCase(1024)]
    [TestCase(2048)]
    [TestCase(4096)]
    [TestCase(8192)]
    [TestCase(16384)]
    [TestCase(32768)]
    [TestCase(65536)]
    public void AValidPageSizeSpecialisesTheVfs(int pageSize)
    {
        var (result, output) = GeneratorHarness.Run($$"""
            [Folio.PagedDatabase(PageSize = {{pageSize}})]
            [Folio.MemoryStorage]
            public partial class Db { }
            """);
        Assert.That(result.Diagnostics, Is.Empty);
        Assert.That(GeneratorHarness.CompilerProblems(output), Is.Empty);
        var database = result.GeneratedSources.Single(s => s.HintName == "Db.Database.g.cs").SourceText.ToString();
        Assert.That(database, Does.Contain($"public const int PageSize = {pageSize};"));
        Assert.That(database, Does.Contain($"global::Folio.Vfs.PagedVfs<global::Folio.Storage.MemoryPageStore, global::Folio.Vfs.PageSize{pageSize}>"));
    }

    [TestCase(0)]
    [TestCase(256)]
    [TestCase(4095)]
    [TestCase(131072)]
    [TestCase(-4096)]
    public void AnInvalidPageSizeIsReportedAndNothingIsGenerated(int pageSize)
    {
        var (result, _) = GeneratorHarness.Run($$"""
            [Folio.PagedDatabase(PageSize = {{pageSize}})]
            [Folio.MemoryStorage]
            public partial class Db { }
            """);
        Assert.That(result.Diagnostics.Select(d => d.Id), Is.EqualTo(new[] { "FOLIO001" }));
        Assert.That(result.GeneratedSources, Is.Empty);
    }
}
