using Folio.Storage;
using NUnit.Framework;
using SQLitePCL;

namespace Folio.Tests;

/// <summary>
/// What one commit of the file store runs on the outer file, statement by statement (traced
/// with <c>sqlite3_trace</c> on every outer connection): prepared statements, one per commit for
/// each kind of row however many pages it writes, none that would change nothing.
/// </summary>
public sealed class FileCommitStatementTests : StoreTest
{
    private readonly List<string> _statements = [];

    [SetUp]
    public void TraceOuterConnections() => OuterConnection.OpenedForTesting = handle => raw.sqlite3_trace(handle, (_, sql) => _statements.Add(sql.utf8_to_string()), null);

    [TearDown]
    public void StopTracing() => OuterConnection.OpenedForTesting = null;

    [Test]
    public void AGrowingOrSameSizeCommitWithHistoryRunsOneStatementPerKindOfRow()
    {
        using var store = FilePageStore.Open(Path.Combine(Stores.Directory, "traced.folio"), "main", 4096);
        var head = FirstCommit(store);

        Commit(store, head, 4, 0, 1, 2);

        Assert.That(Kinds(), Is.EqualTo(new[]
        {
            "BEGIN IMMEDIATE",
            "SELECT version, page_count",
            "INSERT INTO folio_history", // the three replaced values, in one statement
            "INSERT INTO folio_page", // the three new ones, in one statement
            "UPDATE folio_database",
            "INSERT OR REPLACE INTO folio_version",
            "SELECT version, committed_at", // the version in force a day ago (the default age limit)
            "DELETE FROM folio_version",
            "COMMIT",
        }), string.Join(Environment.NewLine, _statements));
    }

    [Test]
    public void ACommitWithoutHistoryRunsNoHistoryStatement()
    {
        using var store = FilePageStore.Open(Path.Combine(Stores.Directory, "none.folio"), "main", 4096, new FileStoreOptions { History = HistoryRetention.None });
        var head = FirstCommit(store);

        Commit(store, head, 5, 0, 4);

        Assert.That(Kinds(), Is.EqualTo(new[]
        {
            "BEGIN IMMEDIATE",
            "SELECT version, page_count",
            "INSERT INTO folio_page",
            "UPDATE folio_database",
            "INSERT OR REPLACE INTO folio_version",
            "DELETE FROM folio_version",
            "COMMIT",
        }), string.Join(Environment.NewLine, _statements));
    }

    [Test]
    public void AShrinkingCommitAlsoKeepsAndDeletesThePagesPastTheNewEnd()
    {
        using var store = FilePageStore.Open(Path.Combine(Stores.Directory, "shrink.folio"), "main", 4096, new FileStoreOptions { History = new HistoryRetention { Versions = 10, MaxAge = null } });
        var head = FirstCommit(store);

        var shrunk = Commit(store, head, 2, 1);

        Assert.That(Kinds(), Is.EqualTo(new[]
        {
            "BEGIN IMMEDIATE",
            "SELECT version, page_count",
            "INSERT INTO folio_history", // page 1's value
            "INSERT INTO folio_history", // pages 2 and 3, cut off
            "INSERT INTO folio_page",
            "DELETE FROM folio_page",
            "UPDATE folio_database",
            "INSERT OR REPLACE INTO folio_version",
            "DELETE FROM folio_version",
            "COMMIT",
        }), string.Join(Environment.NewLine, _statements));
        Assert.That(shrunk.PageCount, Is.EqualTo(2));
        using var past = ((IPageStoreHistory)store).BeginReadAt(head.Version);
        var page = new byte[4096];
        Assert.That(past.ReadPage(3, page), Is.EqualTo(4096), "the cut-off page is still there in the past version");
        Assert.That(page[0], Is.EqualTo(3));
    }

    [Test]
    public void ACommitOfMorePagesThanOneStatementTakesWritesThemAll()
    {
        using var store = FilePageStore.Open(Path.Combine(Stores.Directory, "large.folio"), "main", 4096);
        var head = FirstCommit(store);
        var pages = Enumerable.Range(0, 2 * OuterBatch.MaxRows + 3).ToArray();

        var after = Commit(store, head, pages.Length, pages);

        Assert.That(_statements.Count(s => s.StartsWith("INSERT INTO folio_page", StringComparison.Ordinal)), Is.EqualTo(3));
        Assert.That(_statements.Count(s => s.StartsWith("INSERT INTO folio_history", StringComparison.Ordinal)), Is.EqualTo(3));
        using var reader = store.BeginRead(after.Version);
        var page = new byte[4096];
        foreach (var number in pages)
        {
            Assert.That(reader.ReadPage(number, page), Is.EqualTo(4096));
            Assert.That(page[0], Is.EqualTo((byte)number), $"page {number}");
            Assert.That(page[1], Is.EqualTo((byte)after.Version), $"page {number}");
        }
        using var past = ((IPageStoreHistory)store).BeginReadAt(head.Version);
        Assert.That(past.ReadPage(3, page), Is.EqualTo(4096));
        Assert.That(page[1], Is.EqualTo((byte)head.Version), "page 3 as the first commit wrote it");
        Assert.That(past.ReadPage(10, page), Is.EqualTo(0), "page 10 did not exist then");
    }

    /// <summary>Four pages at version 1; the trace then starts empty.</summary>
    private StoreHead FirstCommit(FilePageStore store)
    {
        var head = Commit(store, store.GetHead(), 4, 0, 1, 2, 3);
        _statements.Clear();
        return head;
    }

    private static StoreHead Commit(FilePageStore store, StoreHead head, long pageCount, params int[] pages)
    {
        var version = store.Commit(new StoreCommit(head.Lineage, head.Version, pageCount,
            pages.Select(n => new StorePage(n, Page(n, head.Version + 1))).ToArray()));
        return head with { Version = version, PageCount = pageCount };
    }

    private static byte[] Page(int number, long version)
    {
        var page = new byte[4096];
        page[0] = (byte)number;
        page[1] = (byte)version;
        return page;
    }

    /// <summary>Each traced statement's first words, as the expected lists name them.</summary>
    private string[] Kinds() => _statements.Select(s => Known.FirstOrDefault(k => s.StartsWith(k, StringComparison.Ordinal)) ?? s).ToArray();

    private static readonly string[] Known =
    [
        "BEGIN IMMEDIATE", "SELECT version, page_count", "SELECT version, committed_at", "INSERT INTO folio_history", "INSERT INTO folio_page",
        "DELETE FROM folio_page", "UPDATE folio_database", "INSERT OR REPLACE INTO folio_version", "DELETE FROM folio_version", "COMMIT",
    ];
}
