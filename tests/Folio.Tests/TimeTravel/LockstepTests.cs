using Folio.Storage;
using Folio.Testing;
using NUnit.Framework;

namespace Folio.Tests.TimeTravel;

/// <summary>Every retained version equals native SQLite's state after the same commit (<see cref="HistoryLockstep"/>).</summary>
[TestFixture(StoreKind.Memory)]
[TestFixture(StoreKind.File)]
public sealed class LockstepTests(StoreKind kind) : StoreTest
{
    [Test]
    public void EveryRetainedVersionDumpsAsNativeSqliteDidAndOlderOnesAreRefused()
    {
        var retention = new HistoryRetention { Versions = 150, MaxAge = null };
        var store = Stores.CreateWithHistory(kind, retention, "lockstep", durable: false);
        using var db = FolioDatabase.Open(store);
        using var lockstep = new HistoryLockstep(Path.Combine(Stores.Directory, "native"));
        lockstep.Run(db, commits: 200);

        var range = db.HistoryRange;
        Assert.That(range.Newest - range.Oldest, Is.EqualTo(150));
        var compared = lockstep.CompareEveryRetainedVersion(db);
        Assert.That(compared, Is.GreaterThanOrEqualTo(140), "nearly every retained version had a commit of the workload (a few transactions change nothing)");
        Assert.That(lockstep.Copies.Keys.Count(v => v < range.Oldest), Is.GreaterThan(10), "some versions fell out of retention and were refused");
    }
}
