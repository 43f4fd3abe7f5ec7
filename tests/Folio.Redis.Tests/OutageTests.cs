using System.Collections.Concurrent;
using System.Diagnostics;
using Folio.Interop;
using Folio.Redis.Tests.Infrastructure;
using NUnit.Framework;

namespace Folio.Redis.Tests;

/// <summary>Redis killed in the middle of a stream of commits, then started again on its append-only file.</summary>
public sealed class OutageTests
{
    [Test]
    public void RedisKilledMidWorkloadLosesNoAcknowledgedCommitAndComesBack()
    {
        using var server = RedisServer.Start();
        var timeout = TimeSpan.FromSeconds(1);
        using var redis = RedisPageStore.Connect(server.Configuration, new RedisStoreOptions { CommandTimeout = timeout });
        var name = SharedRedis.NewName("outage");
        var store = RedisPageStore.Open(redis, name);
        using var db = FolioDatabase.Open(store);

        var acknowledged = new ConcurrentQueue<long>();
        var failures = new ConcurrentQueue<(FolioException Error, TimeSpan Took)>();
        var mayHaveApplied = 0;
        var stop = false;
        Exception? workloadFailure = null;
        var workload = new Thread(() =>
        {
            try
            {
                Insert();
            }
            catch (Exception e)
            {
                workloadFailure = e; // asserted below: only FolioExceptions are expected, and caught in the loop
            }
        });

        void Insert()
        {
            using var c = db.OpenConnection();
            c.Execute("CREATE TABLE log(id INTEGER PRIMARY KEY)");
            for (long attempt = 1; !Volatile.Read(ref stop); attempt++)
            {
                var took = Stopwatch.StartNew();
                try
                {
                    c.Execute("INSERT INTO log(id) VALUES (?1)", attempt);
                    acknowledged.Enqueue(attempt);
                }
                catch (FolioException e)
                {
                    failures.Enqueue((e, took.Elapsed));
                    if (e.InnerException is RedisStoreUnavailableException { MayHaveBeenApplied: true })
                    {
                        Interlocked.Increment(ref mayHaveApplied);
                    }
                }
            }
        }

        workload.Start();

        WaitFor(() => acknowledged.Count >= 40, "40 commits before the outage", () => Volatile.Read(ref workloadFailure));
        server.Kill();
        var acknowledgedAtKill = acknowledged.Count;
        WaitFor(() => failures.Count >= 3, "three failed commits while Redis is down", () => Volatile.Read(ref workloadFailure));
        server.Restart();
        WaitFor(() => acknowledged.Count >= acknowledgedAtKill + 40, "40 more commits once Redis is back", () => Volatile.Read(ref workloadFailure));
        Volatile.Write(ref stop, true);
        workload.Join();
        Assert.That(workloadFailure, Is.Null);

        foreach (var (error, took) in failures)
        {
            TestContext.Out.WriteLine($"after {took.TotalMilliseconds:F0} ms: {error.Message}");
            Assert.That(error.SqliteCode, Is.EqualTo(SqliteConstants.SQLITE_IOERR));
            var cause = error.InnerException as RedisStoreUnavailableException;
            Assert.That(cause, Is.Not.Null, "the store's own exception is kept as the cause");
            Assert.That(cause!.Message, Does.Contain(name));
        }

        // Everything acknowledged is there after the restart; at most the commits whose answer was lost were added.
        using var check = db.OpenConnection();
        var stored = check.Query("SELECT id FROM log").Select(r => (long)r[0]!).ToHashSet();
        Assert.That(stored.IsSupersetOf(acknowledged), Is.True, "an acknowledged commit was lost");
        Assert.That(stored.Count, Is.InRange(acknowledged.Count, acknowledged.Count + mayHaveApplied));
        Assert.That(check.ExecuteScalar("PRAGMA integrity_check"), Is.EqualTo("ok"));
        TestContext.Out.WriteLine($"{acknowledged.Count} acknowledged, {failures.Count} failed ({mayHaveApplied} possibly applied), {stored.Count} stored; {store}");
    }

    private static void WaitFor(Func<bool> condition, string what, Func<Exception?> workloadFailure)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (workloadFailure() is { } failure)
            {
                Assert.Fail($"The workload failed while waiting for {what}: {failure}");
            }
            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                Assert.Fail($"Timed out waiting for {what}.");
            }
            Thread.Sleep(10);
        }
    }
}
