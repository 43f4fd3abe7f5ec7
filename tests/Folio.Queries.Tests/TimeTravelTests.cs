using Folio.Storage;
using NUnit.Framework;

namespace Folio.Queries.Tests;

/// <summary>A generated class on a past version: its typed methods read the past, writes are refused, and restore brings it back.</summary>
public sealed class TimeTravelTests
{
    private static TodoDb OpenTodo(MemoryPageStore store) => TodoDb.Open(store, null, ownsStore: false);

    [Test]
    public void ATypedClassOpenedAtABookmarkReadsThePastWithItsGeneratedMethods()
    {
        var store = new MemoryPageStore($"typed-past-{Guid.NewGuid():N}");
        using var db = OpenTodo(store);
        db.Add("write the guide", Priority.High, null);
        db.Add("review it", Priority.Normal, null);
        db.MarkDone(1);
        var before = db.Bookmark;
        db.Clear();
        Assert.That(db.Count(), Is.Zero);

        using (var past = db.OpenAt(before))
        {
            Assert.That(past.Count(), Is.EqualTo(2));
            Assert.That(past.All().Select(t => (t.Title, t.Done)), Is.EqualTo(new[] { ("write the guide", true), ("review it", false) }));
            Assert.That(past.Get(2).Priority, Is.EqualTo(Priority.Normal));
            var refused = Assert.Throws<FolioException>(() => past.Add("not now", Priority.Low, null));
            Assert.That(refused!.Message, Does.Contain("readonly").And.Contain("TodoDb.Add"));
            Assert.That(past.Database.IsPastVersion, Is.True);
        }

        var restored = db.RestoreTo(before);
        Assert.That(restored.Version, Is.GreaterThan(before.Version));
        Assert.That(db.Count(), Is.EqualTo(2), "the live object sees the restored rows at its next call");
        Assert.That(db.Titles(), Is.EqualTo(new[] { "write the guide", "review it" }));
    }

    [Test]
    public void APastVersionOlderThanTheClassSchemaIsRefusedByName()
    {
        var store = new MemoryPageStore($"typed-old-{Guid.NewGuid():N}");
        FolioBookmark schemaOne;
        using (var raw = FolioDatabase.Open(store))
        using (var c = raw.OpenConnection())
        {
            c.Execute("CREATE TABLE todo(id INTEGER PRIMARY KEY, title TEXT NOT NULL, done INTEGER NOT NULL DEFAULT 0); PRAGMA user_version = 1");
            schemaOne = raw.Bookmark;
        }
        using var db = OpenTodo(store); // migrates to schema 2
        var refused = Assert.Throws<InvalidOperationException>(() => db.OpenAt(schemaOne).Dispose());
        Assert.That(refused!.Message, Does.Contain("TodoDb").And.Contain("schema version 1").And.Contain("reach 2"));
    }
}
