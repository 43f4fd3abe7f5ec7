using Folio.Storage;
using NUnit.Framework;

namespace Folio.Queries.Tests;

/// <summary>
/// A database object used from many threads at once: pooled (MaxConnections above 1) it is
/// thread-safe; single (the default) its async calls queue and a second thread's sync call throws.
/// </summary>
public class PoolingTests
{
    private static FolioOptions Pooled(int connections = 8) => new() { MaxConnections = connections };

    private static MemoryPageStore FreshStore() => new("pool-" + Guid.NewGuid().ToString("N"));

    [Test]
    public void ASingleObjectRefusesASecondThreadWhileAStreamIsOpenAndNamesTheClass()
    {
        using var db = TodoDb.Open(FreshStore(), ownsStore: true);
        db.Add("a", Priority.Low, null);
        db.Add("b", Priority.Low, null);
        using (var rows = db.Stream().GetEnumerator())
        {
            Assert.That(rows.MoveNext(), Is.True);
            var thrown = RunOnOtherThread(() => db.All());
            Assert.That(thrown, Is.TypeOf<InvalidOperationException>());
            Assert.That(thrown!.Message, Does.Contain("TodoDb").And.Contain("MaxConnections"));
            // The same thread may still call in (a nested call joins the stream's connection).
            Assert.That(db.All(), Has.Count.EqualTo(2));
        }
        Assert.That(RunOnOtherThread(() => db.All()), Is.Null, "once the stream ended another thread may call");
    }

    [Test]
    public void ASingleObjectRefusesASecondThreadInsideATransaction()
    {
        using var db = TodoDb.Open(FreshStore(), ownsStore: true);
        Exception? seen = null;
        db.Transaction(d =>
        {
            d.Add("inside", Priority.High, null);
            seen = RunOnOtherThread(() => d.All());
        });
        Assert.That(seen, Is.TypeOf<InvalidOperationException>());
        Assert.That(db.All(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task ASingleObjectsAsyncCallsFromManyTasksQueueOneBehindAnother()
    {
        using var db = AsyncTodoDb.Open(FreshStore(), ownsStore: true);
        await Task.WhenAll(Enumerable.Range(0, 16).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                await db.AddAsync($"t{t}-{i}", null);
                _ = await db.CountAsync();
            }
        })));
        Assert.That(db.Count(), Is.EqualTo(16 * 40));
        Assert.That(db.All().Select(t => t.Title).Distinct().Count(), Is.EqualTo(16 * 40));
    }

    [Test]
    public void APooledObjectTakesSyncCallsFromManyThreadsAtOnce()
    {
        using var db = TodoDb.Open(FreshStore(), Pooled(), ownsStore: true);
        Assert.That(db.IsPooled, Is.True);
        const int Threads = 8, Rounds = 150;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            try
            {
                for (var i = 0; i < Rounds; i++)
                {
                    var id = db.AddReturningId($"t{t}-{i}");
                    Assert.That(db.Get(id).Title, Is.EqualTo($"t{t}-{i}"));
                    if (i % 10 == 0)
                    {
                        db.Transaction(d =>
                        {
                            d.Add($"tx{t}-{i}-a", Priority.Low, null);
                            d.Add($"tx{t}-{i}-b", Priority.Low, null);
                        });
                    }
                    _ = db.List(done: false).Count;
                }
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.That(failures, Is.Empty, string.Join("\n", failures));
        var titles = db.All().Select(t => t.Title).ToList();
        Assert.That(titles, Has.Count.EqualTo(Threads * (Rounds + Rounds / 10 * 2)));
        Assert.That(titles.Distinct().Count(), Is.EqualTo(titles.Count));
    }

    [Test]
    public void APooledObjectServesAReaderOnAnotherConnectionWhileAStreamIsOpen()
    {
        using var db = TodoDb.Open(FreshStore(), Pooled(4), ownsStore: true);
        db.Add("a", Priority.Low, null);
        db.Add("b", Priority.Low, null);
        using var rows = db.Stream().GetEnumerator();
        Assert.That(rows.MoveNext(), Is.True);
        IReadOnlyList<Todo>? all = null;
        Assert.That(RunOnOtherThread(() => all = db.All()), Is.Null);
        Assert.That(all, Has.Count.EqualTo(2));
    }

    [Test]
    public void APooledStreamsNestedCallsJoinItsConnection()
    {
        using var db = TodoDb.Open(FreshStore(), Pooled(2), ownsStore: true);
        for (var i = 0; i < 5; i++)
        {
            db.Add($"item {i}", Priority.Low, null);
        }
        // A write inside a read on one connection, as on a single object: on a second connection
        // it would wait for the reader's lock.
        foreach (var todo in db.Stream())
        {
            db.MarkDone(todo.Id);
        }
        Assert.That(db.List(done: true), Has.Count.EqualTo(5));
    }

    [Test]
    public void APooledTransactionsCallsRunOnItsConnectionAndRollBackTogether()
    {
        using var db = TodoDb.Open(FreshStore(), Pooled(), ownsStore: true);
        Assert.Throws<InvalidDataException>(() => db.Transaction(d =>
        {
            d.Add("lost", Priority.Low, null);
            Assert.That(d.All(), Has.Count.EqualTo(1), "the transaction sees its own write");
            throw new InvalidDataException("roll back");
        }));
        Assert.That(db.All(), Is.Empty);

        using (var transaction = db.BeginTransaction())
        {
            db.Add("kept", Priority.Low, null);
            Assert.That(db.Connection.InTransaction, Is.True);
            transaction.Commit();
        }
        using (db.BeginTransaction())
        {
            db.Add("rolled back", Priority.Low, null);
        }
        Assert.That(db.All().Select(t => t.Title), Is.EqualTo(new[] { "kept" }));
        var outside = Assert.Throws<InvalidOperationException>(() => _ = db.Connection)!;
        Assert.That(outside.Message, Does.Contain("TodoDb is pooled"));
    }

    [Test]
    public async Task APooledObjectTakesAsyncCallsAndTransactionsFromManyTasks()
    {
        using var db = AsyncTodoDb.Open(FreshStore(), Pooled(), ownsStore: true);
        const int Tasks = 16, Rounds = 30;
        await Task.WhenAll(Enumerable.Range(0, Tasks).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < Rounds; i++)
            {
                await db.AddAsync($"t{t}-{i}", null);
                _ = await db.ListAsync(false);
                await db.TransactionAsync(async (d, ct) =>
                {
                    await d.AddAsync($"tx{t}-{i}-a", null, ct);
                    await Task.Yield();
                    d.Add($"tx{t}-{i}-b", null);
                });
            }
        })));
        Assert.That(await db.CountAsync(), Is.EqualTo(Tasks * Rounds * 3));

        var before = db.Count();
        await Assert.ThrowsAsync<InvalidDataException>(() => db.TransactionAsync(async (d, ct) =>
        {
            await d.AddAsync("lost", null, ct);
            await Task.Yield();
            await d.AddAsync("lost too", null, ct);
            throw new InvalidDataException("roll back");
        }));
        Assert.That(db.Count(), Is.EqualTo(before));
    }

    [Test]
    public void PooledWritersOnTheFileStoreLoseNothing()
    {
        var directory = Path.Combine(Path.GetTempPath(), "folio-pool-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var db = AsyncFileDb.Open(directory, Pooled(4));
            var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
            {
                for (var i = 0; i < 50; i++)
                {
                    db.Put($"{t}-{i}", "v");
                    _ = db.All();
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            Assert.That(db.All(), Has.Count.EqualTo(200));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public void MaxConnectionsBelowOneIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new FolioOptions { MaxConnections = 0 });

    /// <summary>Runs <paramref name="action"/> on a new thread; returns what it threw, or null.</summary>
    private static Exception? RunOnOtherThread(Action action)
    {
        Exception? thrown = null;
        var thread = new Thread(() =>
        {
            try
            {
                action();
            }
            catch (Exception e)
            {
                thrown = e;
            }
        });
        thread.Start();
        thread.Join();
        return thrown;
    }
}
