using Folio.Storage;
using NUnit.Framework;

namespace Folio.Queries.Tests;

/// <summary>
/// Typed methods allocate nothing per call beyond their results: statements are cached and
/// values are bound and read through stack buffers. Measured with the thread's allocation counter.
/// </summary>
public class AllocationTests
{
    [TestCase(1, TestName = "ScalarQueriesAndExecutesAllocateNothingPerCall")]
    [TestCase(4, TestName = "OnAPooledObjectScalarQueriesAndExecutesAllocateNothingPerCall")]
    public void ScalarQueriesAndExecutesAllocateNothingPerCall(int connections)
    {
        using var db = TodoDb.Open(new MemoryPageStore("alloc-" + Guid.NewGuid().ToString("N")), new FolioOptions { MaxConnections = connections });
        db.Add("first", Priority.High, new DateTime(2026, 1, 1));
        for (var i = 0; i < 10; i++)
        {
            Calls(db); // warm up: prepare the statements, JIT the paths
        }
        // Inside one transaction, so what is measured is the typed-method layer: a read or commit
        // of the store (the VFS's own work, measured by the benchmarks) happens once, outside it.
        using var transaction = db.BeginTransaction();
        Calls(db);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            Calls(db);
        }
        var perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / 1000.0;
        Assert.That(perCall, Is.LessThan(1), $"{perCall} bytes allocated per round of calls");
    }

    // Binds a string, an enum, a nullable DateTime and a long; reads scalars; runs an UPDATE.
    private static void Calls(TodoDb db)
    {
        db.Count();
        db.MaxId();
        db.MarkDone(1);
        db.Clear();
        db.Add("first", Priority.High, new DateTime(2026, 1, 1));
    }
}
