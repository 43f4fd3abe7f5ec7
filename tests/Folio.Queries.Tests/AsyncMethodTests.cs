using Folio.Storage;
using NUnit.Framework;

namespace Folio.Queries.Tests;

/// <summary>Async typed methods, OpenAsync and TransactionAsync: the async path gives what the sync one does.</summary>
public class AsyncMethodTests
{
    private static AsyncTodoDb OpenFresh() => AsyncTodoDb.Open(new MemoryPageStore("async-todo-" + Guid.NewGuid().ToString("N")));

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> rows)
    {
        var list = new List<T>();
        await foreach (var row in rows)
        {
            list.Add(row);
        }
        return list;
    }

    [Test]
    public async Task EveryAsyncShapeReturnsWhatItsSyncTwinReturns()
    {
        using var db = OpenFresh();
        Assert.That(await db.AddAsync("write", "first"), Is.EqualTo(db.Add("test", null)));
        Assert.That(await db.AddValueAsync("ship", null), Is.EqualTo(1));
        db.MarkDone(1);
        await db.MarkDoneAsync(2);
        await db.MarkUndoneAsync(2);

        Assert.That(await db.ListAsync(true), Is.EqualTo(db.List(true)).And.Count.EqualTo(1));
        Assert.That(await db.ListAsync(false), Is.EqualTo(db.List(false)).And.Count.EqualTo(2));
        Assert.That(await db.AllAsync(), Is.EqualTo(db.All()).And.Count.EqualTo(3));
        Assert.That(await ToListAsync(db.StreamAsync()), Is.EqualTo(db.All()));
        Assert.That(await ToListAsync(db.TitlesAsync()), Is.EqualTo(new[] { "write", "test", "ship" }));
        Assert.That(await db.GetAsync(2), Is.EqualTo(db.Get(2)).And.EqualTo(new Todo(2, "test", false)));
        Assert.That(await db.FindAsync(1), Is.EqualTo(db.Find(1)).And.Not.Null);
        Assert.That(await db.FindAsync(99), Is.Null);
        Assert.That(await db.CountAsync(), Is.EqualTo(db.Count()).And.EqualTo(3));
        Assert.That(await db.MaxIdAsync(), Is.EqualTo(db.MaxId()).And.EqualTo(3));
        Assert.That(await db.NoteAsync(1), Is.EqualTo(db.Note(1)).And.EqualTo("first"));
        Assert.That(await db.NoteAsync(2), Is.Null);
        Assert.That(await db.PairsAsync(), Is.EqualTo(db.Pairs()).And.Count.EqualTo(3));
        Assert.That(await db.FindPairAsync(3), Is.EqualTo(db.FindPair(3)).And.EqualTo((3L, "ship")));
        Assert.That(await db.FindPairAsync(99), Is.Null);
    }

    [Test]
    public async Task EmptyResultsAndExactlyOneRowBehaveAsOnTheSyncPath()
    {
        using var db = OpenFresh();
        Assert.That(await db.MaxIdAsync(), Is.Null);
        Assert.That(await db.ListAsync(false), Is.Empty);
        Assert.That(await ToListAsync(db.StreamAsync()), Is.Empty);
        var sync = Assert.Throws(Is.InstanceOf<Exception>(), () => db.Get(1))!;
        var onAsyncPath = (await Assert.ThrowsAsync(Is.InstanceOf<Exception>(), async () => await db.GetAsync(1)))!;
        Assert.That(onAsyncPath.GetType(), Is.EqualTo(sync.GetType()));
        Assert.That(onAsyncPath.Message, Is.EqualTo(sync.Message.Replace("AsyncTodoDb.Get ", "AsyncTodoDb.GetAsync ", StringComparison.Ordinal)));
    }

    [Test]
    public async Task AnAsyncEnumerationCanStopEarlyAndTheDatabaseStaysUsable()
    {
        using var db = OpenFresh();
        for (var i = 0; i < 5; i++)
        {
            await db.AddAsync("t" + i, null);
        }
        var seen = new List<string>();
        await foreach (var title in db.TitlesAsync())
        {
            seen.Add(title);
            if (seen.Count == 2)
            {
                break;
            }
        }
        Assert.That(seen, Is.EqualTo(new[] { "t0", "t1" }));
        Assert.That(await db.CountAsync(), Is.EqualTo(5));
    }

    [Test]
    public async Task ACancelledTokenThrowsBeforeTheCallRuns()
    {
        using var db = OpenFresh();
        await db.AddAsync("kept", null);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var token = cancelled.Token;

        Assert.That(async () => await db.AddAsync("lost", null, token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(async () => await db.MarkDoneAsync(1, token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(async () => await db.MarkUndoneAsync(1, token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(async () => await db.ListAsync(false, token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(async () => await db.CountAsync(token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(async () => await ToListAsync(db.StreamAsync(token)), Throws.InstanceOf<OperationCanceledException>());
        // The token given to WithCancellation reaches the body too ([EnumeratorCancellation]).
        Assert.That(async () =>
        {
            await foreach (var _ in db.StreamAsync().WithCancellation(token))
            {
            }
        }, Throws.InstanceOf<OperationCanceledException>());

        Assert.That(db.List(false), Is.EqualTo(new[] { new Todo(1, "kept", false) }), "nothing ran");
        Assert.That(await db.CountAsync(CancellationToken.None), Is.EqualTo(1), "the object is usable after");
    }

    [Test]
    public async Task TransactionAsyncCommitsItsWork()
    {
        using var db = OpenFresh();
        await db.TransactionAsync(async (d, ct) =>
        {
            await d.AddAsync("a", null, ct);
            d.Add("b", null);
            await d.MarkDoneAsync(1, ct);
        });
        var count = await db.TransactionAsync(async (d, ct) =>
        {
            await d.AddAsync("c", null, ct);
            return await d.CountAsync(ct);
        });
        Assert.That(count, Is.EqualTo(3));
        Assert.That(db.All(), Is.EqualTo(new[] { new Todo(1, "a", true), new Todo(2, "b", false), new Todo(3, "c", false) }));
    }

    [Test]
    public async Task TransactionAsyncRollsBackWhenItsWorkThrows()
    {
        using var db = OpenFresh();
        await db.AddAsync("before", null);
        Assert.That(async () => await db.TransactionAsync(async (d, ct) =>
        {
            await d.AddAsync("lost", null, ct);
            await d.MarkDoneAsync(1, ct);
            throw new InvalidOperationException("stop");
        }), Throws.InvalidOperationException.With.Message.EqualTo("stop"));
        Assert.That(async () => await db.TransactionAsync<long>(async (d, ct) =>
        {
            await d.AddAsync("lost too", null, ct);
            throw new InvalidOperationException("stop");
        }), Throws.InvalidOperationException);
        Assert.That(await db.AllAsync(), Is.EqualTo(new[] { new Todo(1, "before", false) }));
        Assert.That(db.All(), Is.EqualTo(new[] { new Todo(1, "before", false) }));
    }

    [Test]
    public async Task OpenAsyncAppliesTheMigrationsOfAFreshStore()
    {
        using var db = await AsyncTodoDb.OpenAsync("async-open-" + Guid.NewGuid().ToString("N"));
        Assert.That(await db.AddAsync("one", null), Is.EqualTo(1));
        Assert.That(db.Count(), Is.EqualTo(1));
    }

    [Test]
    public async Task OpenAsyncWithACancelledTokenDisposesTheStoreItWasToOwn()
    {
        // As Open does when it fails: an owned store is disposed, here before anything ran.
        var store = new CountingStore();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        Assert.That(async () => await AsyncTodoDb.OpenAsync(store, ownsStore: true, cancellationToken: cancelled.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(store.Disposed, Is.True);
    }

    [Test]
    public async Task AFileStoreGivesTheSameResultsOnBothPaths()
    {
        var directory = Path.Combine(Path.GetTempPath(), "folio-async-file-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (var db = await AsyncFileDb.OpenAsync(directory))
            {
                await db.PutAsync("b", "2");
                db.Put("a", "1");
                Assert.That(await db.AllAsync(), Is.EqualTo(db.All()).And.EqualTo(new[] { ("a", "1"), ("b", "2") }));
            }
            using (var db = AsyncFileDb.Open(directory))
            {
                Assert.That(db.All(), Is.EqualTo(new[] { ("a", "1"), ("b", "2") }), "the async commit is in the file");
                Assert.That(await ToListAsync(db.ValuesAsync()), Is.EqualTo(new[] { "1", "2" }));
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public async Task AColdOpenFetchesPagesAsItReadsAndAfterAWarmOpenAReadFetchesNone()
    {
        var directory = Path.Combine(Path.GetTempPath(), "folio-async-warm-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (var db = AsyncFileDb.Open(directory))
            {
                for (var i = 0; i < 200; i++)
                {
                    db.Put("key-" + i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture), new string('v', 100));
                }
            }
            using (var db = await AsyncFileDb.OpenAsync(directory))
            {
                // Cold: the pages the open and the statement need are fetched on the async path (with
                // read-ahead, so this small table may already come with the schema), and they run again.
                var rows = await db.AllAsync();
                Assert.That(db.Statistics.PagesRead, Is.GreaterThan(0));
                Assert.That(rows, Is.EqualTo(db.All()).And.Count.EqualTo(200));
            }
            using (var db = await AsyncFileDb.OpenAsync(directory, warm: true))
            {
                var before = db.Statistics.PagesRead;
                Assert.That(before, Is.GreaterThan(0), "the warm-up read the pages");
                Assert.That(await db.AllAsync(), Has.Count.EqualTo(200));
                Assert.That(db.All(), Has.Count.EqualTo(200));
                Assert.That(await ToListAsync(db.ValuesAsync()), Has.Count.EqualTo(200));
                Assert.That(db.Statistics.PagesRead, Is.EqualTo(before));
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
