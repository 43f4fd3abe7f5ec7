using Folio.Storage;
using Folio.Testing;
using NUnit.Framework;

namespace Folio.Tests.TimeTravel;

/// <summary>The history contract (<see cref="HistoryContractFixture"/>) on the memory and file stores.</summary>
[TestFixture(StoreKind.Memory)]
[TestFixture(StoreKind.File)]
public sealed class StoreHistoryTests(StoreKind kind) : HistoryContractFixture
{
    private StoreFactory _stores = null!;

    [SetUp]
    public void CreateStores() => _stores = new StoreFactory();

    [TearDown]
    public void DisposeStores() => _stores.Dispose();

    protected override IPageStore Create(HistoryRetention retention) => _stores.CreateWithHistory(kind, retention, "history");

    [Test]
    public void RetentionRejectsBadValues()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HistoryRetention { Versions = -1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new HistoryRetention { MaxAge = TimeSpan.Zero }.Validate());
    }
}
