using Folio.Storage;
using NUnit.Framework;

namespace Folio.Tests.TimeTravel;

/// <summary>Bookmarks, reading the past, restore and branch through <see cref="FolioDatabase"/>, on the memory and file stores.</summary>
[TestFixture(StoreKind.Memory)]
[TestFixture(StoreKind.File)]
public sealed class BookmarkTests(StoreKind kind) : StoreTest
{
    private IPageStore Create(string name = "tt", HistoryRetention? retention = null) => Stores.CreateWithHistory(kind, retention, name);

    /// <summary>A database with table t holding 1..<paramref name="rows"/> (and <paramref name="pad"/> bytes beside each).</summary>
    internal static void Fill(FolioDatabase db, int rows, int pad = 0)
    {
        using var c = db.OpenConnection();
        c.Execute("CREATE TABLE t(x, pad)");
        c.Execute($"INSERT INTO t WITH RECURSIVE s(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM s WHERE v < {rows}) SELECT v, zeroblob({pad}) FROM s");
    }

    private static long Count(FolioDatabase db, string sql = "SELECT count(*) FROM t")
    {
        using var c = db.OpenConnection();
        return (long)c.ExecuteScalar(sql)!;
    }

    [Test]
    public void ABookmarkPrintsAndParsesBack()
    {
        using var store = Create();
        using var db = FolioDatabase.Open(store);
        using (var c = db.OpenConnection())
        {
            c.Execute("CREATE TABLE t(x)");
        }
        var bookmark = db.Bookmark;
        Assert.That(bookmark.Version, Is.EqualTo(store.GetHead().Version));
        Assert.That(FolioBookmark.Parse(bookmark.ToString()), Is.EqualTo(bookmark));
        Assert.That(bookmark.ToString(), Does.StartWith("fb1-"));
        var bad = Assert.Throws<FormatException>(() => FolioBookmark.Parse("fb1-nothex-0-1"));
        Assert.That(bad!.Message, Does.Contain("fb1-nothex-0-1").And.Contain("not a Folio bookmark"));
    }

    [Test]
    public void AViewOfAPastVersionReadsThePastAndRefusesWrites()
    {
        using var store = Create();
        using var db = FolioDatabase.Open(store);
        Fill(db, 500);
        var before = db.Bookmark;
        using (var c = db.OpenConnection())
        {
            c.Execute("DELETE FROM t WHERE x > 10");
        }
        Assert.That(Count(db), Is.EqualTo(10));

        using var past = db.OpenAt(before);
        Assert.That(past.IsPastVersion, Is.True);
        Assert.That(past.Name, Does.EndWith($"@{before.Version}"));
        Assert.That(Count(past), Is.EqualTo(500), "the view reads the state before the delete");
        Assert.That(past.Bookmark, Is.EqualTo(before));
        using (var c = past.OpenConnection())
        {
            var refused = Assert.Throws<FolioException>(() => c.Execute("INSERT INTO t(x) VALUES (1)"));
            Assert.That(refused!.SqliteCode, Is.EqualTo(8), "SQLITE_READONLY");
            Assert.That(refused.Message, Does.Contain("readonly").And.Contain($"@{before.Version}"));
        }
        Assert.That(Count(db), Is.EqualTo(10), "the live database is untouched by the view");
        Assert.Throws<ReadOnlyDatabaseException>(() => ((PastVersionStore)past.Store).Commit(new StoreCommit(before.Lineage, before.Version, 1, [])));
    }

    [Test]
    public void OtherClientsReadAViewThroughItsConnectionString()
    {
        using var store = Create();
        using var db = FolioDatabase.Open(store);
        Fill(db, 50);
        var before = db.Bookmark;
        using (var c = db.OpenConnection())
        {
            c.Execute("UPDATE t SET x = -x");
        }
        using var past = db.OpenAt(before);
        using var ado = new Microsoft.Data.Sqlite.SqliteConnection(past.ConnectionString);
        ado.Open();
        using var sum = ado.CreateCommand();
        sum.CommandText = "SELECT sum(x) FROM t";
        Assert.That(sum.ExecuteScalar(), Is.EqualTo(1275L), "Microsoft.Data.Sqlite reads the past through the view's VFS");
        using var write = ado.CreateCommand();
        write.CommandText = "DELETE FROM t";
        var refused = Assert.Throws<Microsoft.Data.Sqlite.SqliteException>(() => write.ExecuteNonQuery());
        Assert.That(refused!.SqliteErrorCode, Is.EqualTo(8), "SQLITE_READONLY");
    }

    [Test]
    public void RestoreMakesThePastCurrentAsANewVersionThatCanBeUndone()
    {
        using var store = Create();
        using var db = FolioDatabase.Open(store);
        Fill(db, 300);
        var good = db.Bookmark;
        using (var c = db.OpenConnection())
        {
            c.Execute("DROP TABLE t");
            c.Execute("CREATE TABLE u(y TEXT)");
            c.Execute("INSERT INTO u VALUES ('after the bad migration')");
        }
        var bad = db.Bookmark;
        using var reader = db.OpenConnection(); // a connection open across the restore sees it at its next statement

        var restored = db.RestoreTo(good);
        Assert.That(restored.Version, Is.EqualTo(bad.Version + 1), "a restore is one new version");
        Assert.That(Count(db), Is.EqualTo(300));
        Assert.That((long)reader.ExecuteScalar("SELECT count(*) FROM t")!, Is.EqualTo(300));
        Assert.That(reader.ExecuteScalar("PRAGMA integrity_check"), Is.EqualTo("ok"));
        Assert.That((long)reader.ExecuteScalar("SELECT count(*) FROM sqlite_schema WHERE name = 'u'")!, Is.Zero);

        db.RestoreTo(bad); // undo the restore
        Assert.That(Count(db, "SELECT count(*) FROM u"), Is.EqualTo(1));
        Assert.That(Count(db, "SELECT count(*) FROM sqlite_schema WHERE name = 't'"), Is.Zero);
    }

    [Test]
    public void ABranchStartsAtThePastAndEvolvesApartFromItsOrigin()
    {
        using var store = Create("origin");
        using var db = FolioDatabase.Open(store);
        Fill(db, 100);
        var fork = db.Bookmark;
        using (var c = db.OpenConnection())
        {
            c.Execute("DELETE FROM t");
        }

        using var target = Create("branch");
        var first = db.Branch(fork, target);
        Assert.That(first.DatabaseId, Is.Not.EqualTo(fork.DatabaseId), "a branch is a database of its own");
        using var branch = FolioDatabase.Open(target);
        Assert.That(Count(branch), Is.EqualTo(100));
        using (var c = branch.OpenConnection())
        {
            c.Execute("INSERT INTO t(x) VALUES (101)");
            Assert.That(c.ExecuteScalar("PRAGMA integrity_check"), Is.EqualTo("ok"));
        }
        using (var c = db.OpenConnection())
        {
            c.Execute("INSERT INTO t(x) VALUES (-1)");
        }
        Assert.That(Count(branch), Is.EqualTo(101));
        Assert.That(Count(db), Is.EqualTo(1));

        var notEmpty = Assert.Throws<InvalidOperationException>(() => db.Branch(fork, target));
        Assert.That(notEmpty!.Message, Does.Contain("already holds version"));
        var foreign = Assert.Throws<ArgumentException>(() => db.OpenAt(branch.Bookmark).Dispose());
        Assert.That(foreign!.Message, Does.Contain("belongs to database").And.Contain("versions"));
    }

    [Test]
    public void ABookmarkOutsideRetentionNamesTheRangeThatIsAvailable()
    {
        using var store = Create(retention: new HistoryRetention { Versions = 3, MaxAge = null });
        using var db = FolioDatabase.Open(store);
        using var c = db.OpenConnection();
        c.Execute("CREATE TABLE t(x)");
        var old = db.Bookmark;
        for (var i = 0; i < 6; i++)
        {
            c.Execute("INSERT INTO t VALUES (?1)", i);
        }
        var range = db.HistoryRange;
        Assert.That(range.Newest - range.Oldest, Is.EqualTo(3));
        var refused = Assert.Throws<VersionNotRetainedException>(() => db.OpenAt(old).Dispose());
        Assert.That(refused!.Message, Does.Contain($"version {old.Version} is not retained").And.Contain(range.ToString()));
        Assert.Throws<VersionNotRetainedException>(() => db.RestoreTo(old));
        Assert.Throws<VersionNotRetainedException>(() => db.OpenAt(old with { Epoch = 7 }).Dispose());
    }

    [Test]
    public void TheBookmarkForATimeIsTheVersionInForceThen()
    {
        using var store = Create();
        using var db = FolioDatabase.Open(store);
        using var c = db.OpenConnection();
        c.Execute("CREATE TABLE t(x)");
        c.Execute("INSERT INTO t(x) VALUES (1)");
        var first = db.Bookmark;
        var firstTime = db.GetVersions(1)[0].CommittedAt;
        Thread.Sleep(20); // distinct commit times (they are kept in milliseconds)
        c.Execute("INSERT INTO t(x) VALUES (2)");
        Assert.That(db.GetBookmarkForTime(firstTime.AddMilliseconds(10)), Is.EqualTo(first));
        Assert.That(db.GetBookmarkForTime(DateTimeOffset.UtcNow.AddSeconds(1)), Is.EqualTo(db.Bookmark));
        var tooEarly = Assert.Throws<VersionNotRetainedException>(() => db.GetBookmarkForTime(DateTimeOffset.UnixEpoch));
        Assert.That(tooEarly!.Message, Does.Contain("no retained version was in force").And.Contain("oldest"));
        using var past = db.OpenAt(db.GetBookmarkForTime(firstTime.AddMilliseconds(10)));
        Assert.That(Count(past), Is.EqualTo(1));
    }

    [Test]
    public void AViewStaysReadableWhileTheLiveDatabaseCommitsOn()
    {
        using var store = Create();
        using var db = FolioDatabase.Open(store);
        Fill(db, 1000);
        using var past = db.OpenAt(db.Bookmark);
        using var view = past.OpenConnection();
        Assert.That((long)view.ExecuteScalar("SELECT sum(x) FROM t")!, Is.EqualTo(500500));
        using (var c = db.OpenConnection())
        {
            for (var i = 0; i < 30; i++)
            {
                c.Execute("UPDATE t SET x = x + 1");
            }
        }
        Assert.That((long)view.ExecuteScalar("SELECT sum(x) FROM t")!, Is.EqualTo(500500), "a retained version reads the same after later commits");
        Assert.That(Count(db, "SELECT sum(x) FROM t"), Is.EqualTo(500500 + 30 * 1000));
    }
}

/// <summary>Restore and branch under injected store failures: the store holds exactly the state before, or the one after.</summary>
[TestFixture(StoreKind.Memory)]
[TestFixture(StoreKind.File)]
public sealed class RestoreFaultTests(StoreKind kind) : StoreTest
{
    [Test]
    public void AFailedRestoreOrBranchLeavesTheStoreExactlyAsItWas()
    {
        var inner = Stores.Create(kind, "faulty");
        var store = new Folio.Testing.FaultInjectingPageStore(inner);
        using var db = FolioDatabase.Open(store);
        BookmarkTests.Fill(db, 400, pad: 300);
        var good = db.Bookmark;
        using (var c = db.OpenConnection())
        {
            c.Execute("DELETE FROM t WHERE x > 5");
        }
        var bad = db.Bookmark;

        store.FailCommits = true;
        var failure = Assert.Throws<FolioException>(() => db.RestoreTo(good));
        Assert.That(failure!.InnerException, Is.TypeOf<IOException>(), "the store's own failure is the cause");
        store.FailCommits = false;
        Assert.That(inner.GetHead().Version, Is.EqualTo(bad.Version), "nothing of the failed restore reached the store");
        using (var c = db.OpenConnection())
        {
            Assert.That((long)c.ExecuteScalar("SELECT count(*) FROM t")!, Is.EqualTo(5));
            Assert.That(c.ExecuteScalar("PRAGMA integrity_check"), Is.EqualTo("ok"));
        }

        var target = new Folio.Testing.FaultInjectingPageStore(Stores.Create(kind, "target")) { FailCommits = true };
        Assert.Throws<FolioException>(() => db.Branch(good, target));
        Assert.That(target.Inner.GetHead().Version, Is.Zero, "a failed branch leaves its target empty");

        db.RestoreTo(good);
        Assert.That(inner.GetHead().Version, Is.EqualTo(bad.Version + 1));
        using (var c = db.OpenConnection())
        {
            Assert.That((long)c.ExecuteScalar("SELECT count(*) FROM t")!, Is.EqualTo(400));
            Assert.That(c.ExecuteScalar("PRAGMA integrity_check"), Is.EqualTo("ok"));
        }
    }
}
