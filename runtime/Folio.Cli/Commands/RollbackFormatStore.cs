using Folio.Storage;

namespace Folio.Cli.Commands;

/// <summary>
/// The store an import writes through. SQLite's backup API copies the source's header verbatim,
/// and a source in WAL mode says so in its file-format bytes (offsets 18 and 19 of page 0 are 2).
/// SQLite opens such a database only in WAL mode, which needs shared memory a Folio VFS does not
/// have, so every later open would fail. This wrapper sets both bytes to 1 (rollback journal, as
/// <c>PRAGMA journal_mode=DELETE</c> would) inside the import's one atomic commit.
/// </summary>
internal sealed class RollbackFormatStore(IPageStore inner, IPageCodec codec) : IPageStore
{
    private const int WriteVersionOffset = 18;
    private const int ReadVersionOffset = 19;

    /// <summary>True once a commit's page 0 was rewritten.</summary>
    public bool Rewrote { get; private set; }

    public string Name => inner.Name;

    public int PageSize => inner.PageSize;

    public StoreHead GetHead() => inner.GetHead();

    public IPageStoreReader BeginRead(long knownVersion) => inner.BeginRead(knownVersion);

    public long Commit(StoreCommit commit)
    {
        var pages = commit.Pages;
        if (pages.Count > 0 && pages[0].Number == 0)
        {
            var page = new byte[PageSize];
            var address = new PageAddress(commit.ExpectedLineage.DatabaseId, 0, commit.ExpectedVersion + 1);
            codec.Decode(Name, address, pages[0].Data.Span, page, out var versionMap);
            if (page[WriteVersionOffset] == 2 || page[ReadVersionOffset] == 2)
            {
                page[WriteVersionOffset] = 1;
                page[ReadVersionOffset] = 1;
                var encoded = new byte[codec.MaxEncodedSize(PageSize)];
                var length = codec.Encode(address, page, versionMap, encoded); // the version map it carried, unchanged
                var rewritten = pages.ToList();
                rewritten[0] = new StorePage(0, encoded.AsMemory(0, length));
                commit = new StoreCommit(commit.ExpectedLineage, commit.ExpectedVersion, commit.NewPageCount, rewritten);
                Rewrote = true;
            }
        }
        return inner.Commit(commit);
    }

    /// <summary>The inner store belongs to the caller.</summary>
    public void Dispose()
    {
    }
}
