using NUnit.Framework;

namespace Folio.Queries.Tests;

/// <summary>Two objects of one database class on the same file, in one process.</summary>
public class SharedStoreTests
{
    [Test]
    public void TwoOpensOfTheSameFileShareOneStore()
    {
        var directory = Path.Combine(Path.GetTempPath(), "folio-shared-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (var a = FileDb.Open(directory))
            {
                using (var b = FileDb.Open(directory))
                {
                    a.Put("k", "from a");
                    Assert.That(b.Get("k"), Is.EqualTo("from a"));
                    Assert.That(b.Database.Store, Is.SameAs(a.Database.Store));
                }
                // b is closed; a keeps working on the store it shared.
                a.Put("k2", "still open");
            }
            using var c = FileDb.Open(directory);
            Assert.That(c.All(), Is.EqualTo(new[] { ("k", "from a"), ("k2", "still open") }));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public void ACallersOwnSecondStoreUnderTheSameNameIsStillRefused()
    {
        var name = "shared-refused-" + Guid.NewGuid().ToString("N");
        using var first = OwnStoreDb.Open(new CountingStore(name, 4096));
        var error = Assert.Throws<InvalidOperationException>(() => OwnStoreDb.Open(new CountingStore(name, 4096)));
        Assert.That(error!.Message, Does.Contain("already has a database named"));
    }
}
