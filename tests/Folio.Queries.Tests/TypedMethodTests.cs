using Folio.Storage;
using NUnit.Framework;

namespace Folio.Queries.Tests;

public class TypedMethodTests
{
    private static TodoDb OpenFresh() => TodoDb.Open(new MemoryPageStore("todo-" + Guid.NewGuid().ToString("N")));

    private static TodoDb OpenWith(params string[] titles)
    {
        var db = OpenFresh();
        foreach (var title in titles)
        {
            db.Add(title, Priority.Normal, null);
        }
        return db;
    }

    [Test]
    public void ExecuteAndQueryRoundTrip()
    {
        using var db = OpenFresh();
        Assert.That(db.Add("write the VFS", Priority.High, null), Is.EqualTo(1));
        db.Add("test it", Priority.Low, new DateTime(2026, 11, 24, 10, 30, 0));
        Assert.That(db.MarkDone(1), Is.EqualTo(1));
        Assert.That(db.MarkDone(99), Is.EqualTo(0));
        Assert.That(db.List(done: true), Is.EqualTo(new[] { new Todo(1, "write the VFS", true) }));
        Assert.That(db.List(done: false), Is.EqualTo(new[] { new Todo(2, "test it", false) }));
        Assert.That(db.Count(), Is.EqualTo(2));
        Assert.That(db.Get(2), Is.EqualTo(new TodoWithPriority(2, "test it", Priority.Low, new DateTime(2026, 11, 24, 10, 30, 0))));
    }

    [Test]
    public void EveryParameterPrefixBinds()
    {
        using var db = OpenFresh();
        var id = db.AddReturningId("colon");   // :title
        Assert.That(db.MarkDone(id), Is.EqualTo(1)); // @id
        Assert.That(db.List(true).Single().Title, Is.EqualTo("colon")); // $done
    }

    [Test]
    public void ListsAndReadOnlyListsHoldEveryRowInOrder()
    {
        using var db = OpenWith("a", "b", "c");
        Assert.That(db.All().Select(t => t.Title), Is.EqualTo(new[] { "a", "b", "c" }));
        Assert.That(db.Titles(), Is.EqualTo(new[] { "a", "b", "c" }));
        Assert.That(db.Pairs(), Is.EqualTo(new[] { (1L, "a"), (2L, "b"), (3L, "c") }));
    }

    [Test]
    public void SettablePropertiesAreFilledByName()
    {
        using var db = OpenWith("a");
        var summary = db.Summaries().Single();
        Assert.That((summary.Id, summary.Title, summary.Note), Is.EqualTo((1L, "a", (string?)null)));
    }

    [Test]
    public void APropertyNoColumnFillsKeepsItsDefault()
    {
        using var db = OpenWith("a", "b");
        Assert.That(db.SummariesWithoutNotes().Select(s => (s.Id, s.Title, s.Note)), Is.EqualTo(new[] { (1L, "a", (string?)null), (2L, "b", (string?)null) }));
    }

    [Test]
    public void SingleRowMethodsRefuseNoneAndMany()
    {
        using var db = OpenWith("a", "b");
        var none = Assert.Throws<InvalidOperationException>(() => db.Get(42));
        Assert.That(none!.Message, Does.Contain("TodoDb.Get expected exactly one row and the query returned none"));
        Assert.That(db.Find(42), Is.Null);
        Assert.That(db.Find(2)!.Title, Is.EqualTo("b"));
        Assert.That(db.Count(), Is.EqualTo(2));
    }

    [Test]
    public void NullableScalarIsNullForNoValue()
    {
        using var db = OpenFresh();
        Assert.That(db.MaxId(), Is.Null);
        db.Add("a", Priority.Low, null);
        Assert.That(db.MaxId(), Is.EqualTo(1));
    }

    [Test]
    public void StreamingReadsLazilyAndResetsWhenDisposedEarly()
    {
        using var db = OpenWith("a", "b", "c");
        using (var e = db.Stream().GetEnumerator())
        {
            Assert.That(e.MoveNext(), Is.True);
            Assert.That(e.Current.Title, Is.EqualTo("a"));
        }
        // The statement was reset: a write goes through, and a new stream starts from the first row.
        db.Add("d", Priority.Low, null);
        Assert.That(db.Stream().Select(t => t.Title), Is.EqualTo(new[] { "a", "b", "c", "d" }));
    }

    [Test]
    public void AStreamCanBeReadWhileTheSameMethodRunsAgain()
    {
        using var db = OpenWith("a", "b");
        var pairs = new List<string>();
        foreach (var outer in db.Stream())
        {
            foreach (var inner in db.Stream())
            {
                pairs.Add(outer.Title + inner.Title);
            }
        }
        Assert.That(pairs, Is.EqualTo(new[] { "aa", "ab", "ba", "bb" }));
    }

    [Test]
    public void SqliteErrorsNameTheMethodAndTheSql()
    {
        using var db = OpenFresh();
        var error = Assert.Throws<FolioException>(() => db.Add(null!, Priority.Low, null));
        Assert.That(error!.Method, Is.EqualTo("TodoDb.Add"));
        Assert.That(error.Sql, Does.StartWith("INSERT INTO todo(title, priority, due_at)"));
        Assert.That(error.SqliteMessage, Does.Contain("NOT NULL constraint failed: todo.title"));
        Assert.That(error.SqliteCode, Is.EqualTo(19)); // SQLITE_CONSTRAINT
        db.Add("still usable", Priority.Low, null);
        Assert.That(db.Count(), Is.EqualTo(1));
    }

    [Test]
    public void CancellationInterruptsTheStatement()
    {
        using var db = OpenFresh();
        using var cts = new CancellationTokenSource();
        var seen = 0L;
        Assert.Throws<OperationCanceledException>(() =>
        {
            foreach (var x in db.Forever(cts.Token))
            {
                seen = x;
                if (x == 1000)
                {
                    cts.Cancel();
                }
            }
        });
        Assert.That(seen, Is.EqualTo(1000));
        Assert.That(db.Count(), Is.EqualTo(0), "the connection is usable after an interrupt");
        Assert.Throws<OperationCanceledException>(() => db.Forever(cts.Token).First(), "an already cancelled token fails before running");
    }

    [Test]
    public void DataSurvivesReopeningTheNamedMemoryStore()
    {
        var name = "todo-named-" + Guid.NewGuid().ToString("N");
        using (var db = TodoDb.Open(name))
        {
            db.Add("kept", Priority.Low, null);
        }
        using (var db = TodoDb.Open(name))
        {
            Assert.That(db.Titles(), Is.EqualTo(new[] { "kept" }));
            Assert.That(db.Database.VfsName, Is.EqualTo("folio:Folio.Queries.Tests.TodoDb"));
            Assert.That(db.Connection.ExecuteScalar("PRAGMA user_version"), Is.EqualTo(2L));
        }
        MemoryPageStore.Drop(name);
    }
}
