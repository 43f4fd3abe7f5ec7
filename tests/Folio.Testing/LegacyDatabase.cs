using System.Buffers.Binary;
using System.IO.Hashing;
using Folio.Storage;

namespace Folio.Testing;

/// <summary>
/// The pages of a small database (table <c>t</c> holding 'old 1', 'old 2', 'old 3') as a store
/// written before databases had identities kept them: checksum format 1, whose hash is seeded with
/// the page number alone.
/// </summary>
public static class LegacyDatabase
{
    /// <summary>The rows, as <c>group_concat(v, ',')</c> over <c>t</c> reads them.</summary>
    public const string Rows = "old 1,old 2,old 3";

    /// <summary>Builds the database and returns its pages encoded in format 1, ascending.</summary>
    public static IReadOnlyList<StorePage> Pages(int pageSize = PageSizes.Default)
    {
        var store = new MemoryPageStore($"legacy-{Guid.NewGuid():N}", pageSize);
        using (var db = FolioDatabase.Open(store))
        using (var c = db.OpenConnection())
        {
            c.Execute("CREATE TABLE t(v TEXT NOT NULL); INSERT INTO t VALUES ('old 1'), ('old 2'), ('old 3');");
        }
        var pages = new List<StorePage>();
        var page = new byte[pageSize];
        for (long number = 0; number < store.GetHead().PageCount; number++)
        {
            ChecksumPageCodec.Instance.Decode(store.Name, new PageAddress(store.Lineage.DatabaseId, number, store.GetHead().Version), store.GetStoredPage(number), page);
            pages.Add(new StorePage(number, EncodeFormat1(number, page)));
        }
        return pages;
    }

    private static byte[] EncodeFormat1(long number, byte[] page)
    {
        var value = new byte[ChecksumPageCodec.HeaderSize + page.Length];
        value[0] = (byte)'F';
        value[1] = (byte)'P';
        value[2] = 1;
        BinaryPrimitives.WriteInt32LittleEndian(value.AsSpan(4), page.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(value.AsSpan(8), XxHash3.HashToUInt64(page, number));
        page.CopyTo(value.AsSpan(ChecksumPageCodec.HeaderSize));
        return value;
    }
}
