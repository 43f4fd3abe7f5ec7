using Folio.Cli.Commands;
using Folio.Storage;
using NUnit.Framework;

namespace Folio.Cli.Tests;

/// <summary><c>folio sql</c> runs a transaction again when another writer committed first.</summary>
[TestFixture]
public class BusyRetryTests
{
    /// <summary>Refuses the next <c>Conflicts</c> commits as if another process had committed first.</summary>
    private sealed class ContestedStore(IPageStore inner) : IPageStore
    {
        public int Conflicts { get; set; }

        public int Refused { get; private set; }

        public string Name => inner.Name;

        public int PageSize => inner.PageSize;

        public StoreHead GetHead() => inner.GetHead();

        public IPageStoreReader BeginRead(long knownVersion) => inner.BeginRead(knownVersion);

        public long Commit(StoreCommit commit)
        {
            if (Conflicts > 0)
            {
                Conflicts--;
                Refused++;
                throw new StoreConflictException(Name, commit.ExpectedVersion, commit.ExpectedVersion + 1);
            }
            return inner.Commit(commit);
        }

        public void Dispose() => inner.Dispose();
    }

    private ContestedStore _store = null!;
    private FolioDatabase _db = null!;
    private FolioConnection _connection = null!;

    [SetUp]
    public void SetUp()
    {
        _store = new ContestedStore(new MemoryPageStore($"busy-{Guid.NewGuid():N}"));
        _db = FolioDatabase.Open(_store);
        _connection = _db.OpenConnection();
        _connection.Execute("CREATE TABLE t(x)");
    }

    [TearDown]
    public void TearDown()
    {
        _connection.Dispose();
        _db.Dispose();
        _store.Dispose();
    }

    [Test]
    public void ATransactionThatLostIsRunAgainAndPrintsOnce()
    {
        _store.Conflicts = 3;
        var output = new StringWriter();
        new SqlRunner(_connection, new CsvResultWriter(output), TimeSpan.FromSeconds(10))
            .Run("SELECT 'first' AS a; BEGIN; INSERT INTO t VALUES (1); SELECT count(*) AS inside FROM t; COMMIT; INSERT INTO t VALUES (2); SELECT count(*) AS total FROM t;");
        Assert.That(_store.Refused, Is.EqualTo(3));
        Assert.That(output.ToString(), Is.EqualTo("a\r\nfirst\r\n\r\ninside\r\n1\r\n\r\ntotal\r\n2\r\n"));
        Assert.That(_connection.ExecuteScalar("SELECT group_concat(x) FROM t"), Is.EqualTo("1,2"), "each insert applied once");
    }

    [Test]
    public void ItGivesUpWhenTheBusyTimeoutIsSpent()
    {
        _store.Conflicts = int.MaxValue;
        var runner = new SqlRunner(_connection, new CsvResultWriter(TextWriter.Null), TimeSpan.FromMilliseconds(300));
        var error = Assert.Throws<CliDataException>(() => runner.Run("INSERT INTO t VALUES (1)"));
        Assert.That(error!.Message, Does.Contain("gave up after 0.3 s of SQLITE_BUSY").And.Contain("another writer committed first"));
        Assert.That(_store.Refused, Is.GreaterThan(1), "it retried before giving up");
        _store.Conflicts = 0;
        Assert.That(_connection.ExecuteScalar("SELECT count(*) FROM t"), Is.EqualTo(0L));
    }
}
