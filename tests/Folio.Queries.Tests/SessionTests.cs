using Folio.Storage;
using Folio.Vfs;
using NUnit.Framework;

namespace Folio.Queries.Tests;

/// <summary>The runtime pieces generated code calls, exercised directly.</summary>
public class SessionTests
{
    private static readonly StatementShape CountShape = new("T.Count", "SELECT count(*) FROM sqlite_schema", [], ["value"], byName: false);

    private static FolioSession OpenSession(int statements = 1, params Migration[] migrations)
    {
        using (FolioDatabase.Open(new MemoryPageStore("warm-up"))) { } // registers the general VFS
        var registration = VfsRegistration.Find("folio")!;
        return FolioSession.Open(registration, true, new MemoryPageStore("session-" + Guid.NewGuid().ToString("N")), 4096, null, true, migrations, statements, "T");
    }

    [Test]
    public void APreparedStatementIsReusedByTheNextCall()
    {
        using var session = OpenSession();
        var first = session.Rent(0, CountShape);
        session.Return(first);
        var second = session.Rent(0, CountShape);
        Assert.That(second, Is.SameAs(first));
        // While it is in use (a stream being read), the same method gets a one-off statement.
        var third = session.Rent(0, CountShape);
        Assert.That(third, Is.Not.SameAs(second));
        session.Return(third);
        session.Return(second);
        Assert.That(session.Rent(0, CountShape), Is.SameAs(first));
    }

    [Test]
    public void ParametersAndColumnsThatDoNotMatchAreRefusedWhenPrepared()
    {
        using var session = OpenSession(3);
        var unbound = new StatementShape("T.Unbound", "SELECT $a + $b", ["$a"], ["value"], byName: false);
        Assert.That(() => session.Rent(0, unbound), Throws.InvalidOperationException.With.Message.Contains("$b match no method parameter"));
        var missing = new StatementShape("T.Missing", "SELECT 1 AS x", [], ["Y"], byName: true);
        Assert.That(() => session.Rent(1, missing), Throws.InvalidOperationException.With.Message.Contains("no column matches member 'Y' (columns: x)"));
        var two = new StatementShape("T.Two", "SELECT 1; SELECT 2", [], ["value"], byName: false);
        Assert.That(() => session.Rent(2, two), Throws.InvalidOperationException.With.Message.Contains("more than one statement"));
    }

    [Test]
    public void MigrationsRunOnceInOrderAndRecordTheVersion()
    {
        var store = new MemoryPageStore("migrate-" + Guid.NewGuid().ToString("N"));
        var registration = OpenAndGetRegistration();
        Migration[] migrations = [new(2, "INSERT INTO log VALUES ('two')"), new(1, "CREATE TABLE log(step TEXT)")];
        using (var s = FolioSession.Open(registration, true, store, 4096, null, false, migrations, 0, "T"))
        {
            Assert.That(s.Connection.Query("SELECT step FROM log").Select(r => r[0]), Is.EqualTo(new[] { "two" }));
        }
        Migration[] more = [.. migrations, new(3, "INSERT INTO log VALUES ('three')")];
        using (var s = FolioSession.Open(registration, true, store, 4096, null, false, more, 0, "T"))
        {
            Assert.That(s.Connection.Query("SELECT step FROM log").Select(r => r[0]), Is.EqualTo(new[] { "two", "three" }));
            Assert.That(s.Connection.ExecuteScalar("PRAGMA user_version"), Is.EqualTo(3L));
        }
        var error = Assert.Throws<InvalidOperationException>(() => FolioSession.Open(registration, true, store, 4096, null, false, migrations, 0, "T"));
        Assert.That(error!.Message, Does.Contain("schema version 3, newer than this code's latest migration 2"));
    }

    [Test]
    public void AFailingMigrationRollsBackEveryStepAndNamesItself()
    {
        var store = new MemoryPageStore("migrate-fail-" + Guid.NewGuid().ToString("N"));
        var registration = OpenAndGetRegistration();
        Migration[] migrations = [new(1, "CREATE TABLE a(x)"), new(2, "CREATE TABLE a(y)")];
        var error = Assert.Throws<FolioException>(() => FolioSession.Open(registration, true, store, 4096, null, false, migrations, 0, "T"));
        Assert.That(error!.Method, Is.EqualTo("T migration 2"));
        Assert.That(error.SqliteMessage, Does.Contain("table a already exists"));
        using var s = FolioSession.Open(registration, true, store, 4096, null, false, [], 0, "T");
        Assert.That(s.Connection.ExecuteScalar("PRAGMA user_version"), Is.EqualTo(0L));
        Assert.That(s.Connection.ExecuteScalar("SELECT count(*) FROM sqlite_schema"), Is.EqualTo(0L));
    }

    [Test]
    public void AStoreOfAnotherPageSizeIsRefusedAndAnOwnedStoreIsDisposed()
    {
        var registration = OpenAndGetRegistration();
        var store = new DisposeTrackingStore(new MemoryPageStore("size-" + Guid.NewGuid().ToString("N"), 8192));
        Assert.Throws<PageSizeMismatchException>(() => FolioSession.Open(registration, true, store, 4096, null, true, [], 0, "T"));
        Assert.That(store.Disposed, Is.True);
    }

    [Test]
    public void AVfsNameRegisteredWithAnotherPageSizeIsRefused()
    {
        using (TodoDb.Open(new MemoryPageStore("first-" + Guid.NewGuid().ToString("N")))) { }
        var registration = VfsRegistration.Find(TodoDb.VfsName)!;
        var error = Assert.Throws<InvalidOperationException>(() =>
            FolioSession.Open(registration, true, new MemoryPageStore("second-" + Guid.NewGuid().ToString("N"), 8192), 8192, null, true, [], 0, "Other"));
        Assert.That(error!.Message, Does.Contain("registered by another database class with page size 4096"));
    }

    private static VfsRegistration OpenAndGetRegistration()
    {
        using (FolioDatabase.Open(new MemoryPageStore("warm-up"))) { }
        return VfsRegistration.Find("folio")!;
    }

    private sealed class DisposeTrackingStore(IPageStore inner) : IPageStore
    {
        public bool Disposed { get; private set; }
        public string Name => inner.Name;
        public int PageSize => inner.PageSize;
        public StoreHead GetHead() => inner.GetHead();
        public IPageStoreReader BeginRead(long knownVersion) => inner.BeginRead(knownVersion);
        public long Commit(StoreCommit commit) => inner.Commit(commit);
        public void Dispose() => Disposed = true;
    }
}
