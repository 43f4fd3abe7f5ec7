using System.Buffers.Binary;
using Folio.Storage;

namespace Folio.Vfs;

/// <summary>
/// The current write transaction of one connection: every page SQLite wrote to the main file
/// (spills included) and the file's size, over the connection's <see cref="StoreView{TStore, TPageSize}"/>.
/// Nothing here reaches the store; <see cref="CommitPolicy{TStore, TPageSize}"/> decides whether
/// the buffer is published or discarded.
/// </summary>
/// <remarks>
/// The originals of the buffered pages are never copied: they are what the view still shows,
/// so discarding the buffer is all a rollback needs, and comparing with the view tells which
/// buffered pages SQLite wrote back unchanged.
/// </remarks>
internal sealed class TransactionBuffer<TStore, TPageSize>(StoreView<TStore, TPageSize> view)
    where TStore : class, IPageStore
    where TPageSize : struct, IPageSize
{
    // The pages written in this transaction, with their current content.
    private readonly Dictionary<long, byte[]> _dirty = new();

    private int PageSize => view.PageSize;

    /// <summary>The file's size as SQLite sees it: the view's, moved by writes and truncations.</summary>
    public long Size { get; private set; }

    /// <summary>True when the transaction changed nothing yet (no page written, the size as the view's).</summary>
    public bool IsEmpty => _dirty.Count == 0 && Size == view.Size;

    /// <summary>Drops every buffered change: the connection sees its view again.</summary>
    public void Discard()
    {
        foreach (var buffer in _dirty.Values)
        {
            view.ReturnPage(buffer);
        }
        _dirty.Clear();
        Size = view.Size;
    }

    // ---- xRead, xWrite, xTruncate -----------------------------------------------------------

    /// <summary>Reads the file as this transaction has it; past the end the rest is zeros and the read is short.</summary>
    public int Read(Span<byte> buffer, long offset)
    {
        var available = (int)Math.Clamp(Size - offset, 0, buffer.Length);
        var position = offset;
        var remaining = buffer[..available];
        while (!remaining.IsEmpty)
        {
            var page = position / PageSize;
            var inPage = (int)(position % PageSize);
            var n = Math.Min(PageSize - inPage, remaining.Length);
            if (_dirty.TryGetValue(page, out var held))
            {
                held.AsSpan(inPage, n).CopyTo(remaining);
            }
            else
            {
                view.Read(page, inPage, remaining[..n]);
            }
            remaining = remaining[n..];
            position += n;
        }
        if (available < buffer.Length)
        {
            buffer[available..].Clear();
            return Interop.SqliteConstants.SQLITE_IOERR_SHORT_READ;
        }
        return Interop.SqliteConstants.SQLITE_OK;
    }

    public void Write(ReadOnlySpan<byte> data, long offset)
    {
        var position = offset;
        while (!data.IsEmpty)
        {
            var page = position / PageSize;
            var inPage = (int)(position % PageSize);
            var n = Math.Min(PageSize - inPage, data.Length);
            var target = WritablePage(page, wholePage: inPage == 0 && n == PageSize);
            data[..n].CopyTo(target.AsSpan(inPage));
            data = data[n..];
            position += n;
        }
        Size = Math.Max(Size, position);
    }

    public void Truncate(long size)
    {
        var pageCount = (size + PageSize - 1) / PageSize;
        foreach (var page in _dirty.Keys.Where(p => p >= pageCount).ToList())
        {
            _dirty.Remove(page, out var dropped);
            view.ReturnPage(dropped!);
        }
        if (size % PageSize != 0)
        {
            WritablePage(pageCount - 1, wholePage: false).AsSpan((int)(size % PageSize)).Clear();
        }
        Size = size;
    }

    private byte[] WritablePage(long page, bool wholePage)
    {
        if (_dirty.TryGetValue(page, out var held))
        {
            return held;
        }
        var fresh = view.RentPage();
        if (!wholePage)
        {
            view.Read(page, fresh);
        }
        _dirty[page] = fresh;
        return fresh;
    }

    // ---- what a commit takes ----------------------------------------------------------------

    /// <summary>The buffered pages below <paramref name="pageCount"/>, in page order.</summary>
    public List<KeyValuePair<long, byte[]>> Pages(long pageCount)
    {
        var pages = new List<KeyValuePair<long, byte[]>>(_dirty.Count);
        foreach (var page in _dirty)
        {
            if (page.Key < pageCount)
            {
                pages.Add(page);
            }
        }
        if (pages.Count > 1)
        {
            pages.Sort(static (a, b) => a.Key.CompareTo(b.Key));
        }
        return pages;
    }

    /// <summary>
    /// Ends a published transaction: the view now owns the buffers of <see cref="Pages"/>, the
    /// pages past the committed <paramref name="pageCount"/> are returned, and the next
    /// transaction starts empty at the committed size.
    /// </summary>
    public void HandOver(long pageCount)
    {
        foreach (var (page, buffer) in _dirty)
        {
            if (page >= pageCount)
            {
                view.ReturnPage(buffer);
            }
        }
        _dirty.Clear();
        Size = pageCount * PageSize;
    }

    /// <summary>True when the buffer holds nothing the view does not already have (a rollback wrote the originals back).</summary>
    public bool MatchesView() => Size == view.Size && _dirty.All(p => view.Matches(p.Key, p.Value));

    /// <summary>
    /// The page count a commit stores: the file's size, or the database size SQLite wrote in the
    /// header of page 0 when that is smaller. A shrinking commit (VACUUM, incremental vacuum)
    /// syncs first and truncates the file afterwards; taking the header's size makes the shrink
    /// part of the same atomic commit instead of a second one that could fail on its own.
    /// </summary>
    public long CommitPageCount() => Math.Min((Size + PageSize - 1) / PageSize, HeaderPageCount() ?? long.MaxValue);

    /// <summary>
    /// The database size at offset 28 of page 0, when this transaction wrote page 0 and the size
    /// is valid (the version-valid-for number at offset 92 equals the change counter at offset 24)
    /// and in the store's units (SQLite's page size is the store's).
    /// </summary>
    private long? HeaderPageCount()
    {
        if (!_dirty.TryGetValue(0, out var header) || header.Length < 100
            || !header.AsSpan(24, 4).SequenceEqual(header.AsSpan(92, 4)))
        {
            return null;
        }
        var count = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(28));
        return SqlitePageSize(header) == PageSize && count > 0 ? count : null;
    }

    /// <summary>
    /// Refuses a commit that would store a database whose SQLite page size differs from the
    /// store's (a backup from a file with another page size, say): the page size is fixed at
    /// creation, and mismatched sizes would turn every page write into a read-modify-write.
    /// </summary>
    public void CheckHeaderPageSize(string database)
    {
        if (!_dirty.TryGetValue(0, out var header) || !header.AsSpan(0, 16).SequenceEqual("SQLite format 3\0"u8))
        {
            return;
        }
        var sqlitePageSize = SqlitePageSize(header);
        if (sqlitePageSize != PageSize)
        {
            throw new InvalidOperationException(
                $"Folio database '{database}': SQLite's page size would become {sqlitePageSize}, but the store's is {PageSize}; the page size is fixed when the database is created.");
        }
    }

    /// <summary>
    /// True when page 0 differs from the view only in the header's change counter (offset 24)
    /// and version-valid-for number (offset 92): what SQLite writes when a transaction changed
    /// nothing in the end (ROLLBACK TO a savepoint, then RELEASE). Publishing it would bump the
    /// store's version for no data; other connections' caches stay valid, and this connection
    /// re-reads the header at its next transaction anyway.
    /// </summary>
    public bool OnlyChangeCounterMoved()
    {
        if (view.PageCount == 0 || !_dirty.TryGetValue(0, out var header))
        {
            return false;
        }
        var now = header.AsSpan();
        var before = view.ReadCopy(0).AsSpan();
        return now[..24].SequenceEqual(before[..24])
            && now[28..92].SequenceEqual(before[28..92])
            && now[96..].SequenceEqual(before[96..]);
    }

    private static int SqlitePageSize(byte[] header)
    {
        var raw = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(16));
        return raw == 1 ? 65536 : raw;
    }
}
