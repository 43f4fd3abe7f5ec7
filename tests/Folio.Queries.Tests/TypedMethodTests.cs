using Folio.Storage;
using NUnit.Framework;

namespace Folio.Queries.Tests;

public class TypedMethodTests
{
    private static TodoDb OpenFresh() => TodoDb.Open(new MemoryPageStore("todo-" + Guid.NewGuid().ToString("N")));

    [Test]
    public void ExecuteAndQueryRoundTrip()
    {
        using var db = OpenFresh();
        Assert.That(db.Add("write the VFS", Priority.High, null), Is.EqualTo(1));
        db.Add("test it", Priority.Low, new DateTime(2026, 11, 24, 10, 30, 0));
        Assert.That(db.MarkDone(1), Is.EqualTo(1));
        Assert.That(db.List(done: true), Is.EqualTo(new[] { new Todo(1, "write the VFS", true) }));
        Assert.That(db.List(done: false), Is.EqualTo(new[] { new Todo(2, "test it", false) }));
        Assert.That(db.Count(), Is.EqualTo(2));
        Assert.That(db.Get(2), Is.EqualTo(new TodoWithPriority(2, "test it", Priority.Low, new DateTime(2026, 11, 24, 10, 30, 0))));
    }
}
