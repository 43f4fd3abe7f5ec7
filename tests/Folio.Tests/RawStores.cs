using Folio.Storage;

namespace Folio.Tests;

/// <summary>Raw access to what a memory or file store holds: the stored values, as a store operator sees them.</summary>
internal static class RawStores
{
    public static byte[] Stored(IPageStore store, long page) => store switch
    {
        MemoryPageStore memory => memory.GetStoredPage(page),
        FilePageStore file => file.GetStoredPage(page),
        _ => null,
    } ?? throw new InvalidOperationException($"page {page} of '{store.Name}' has no stored value");

    public static void Overwrite(IPageStore store, long page, byte[] value)
    {
        switch (store)
        {
            case MemoryPageStore memory:
                memory.OverwriteStoredPageForTesting(page, value);
                break;
            case FilePageStore file:
                file.OverwriteStoredPageForTesting(page, value);
                break;
            default:
                throw new ArgumentException($"no raw access to {store.GetType().Name}", nameof(store));
        }
    }

    /// <summary>Every stored value of the current version.</summary>
    public static List<byte[]> AllStored(IPageStore store)
    {
        var head = store.GetHead();
        return Enumerable.Range(0, (int)head.PageCount).Select(p => Stored(store, p)).ToList();
    }

    /// <summary>The raw bytes the store keeps on disk or in memory: the outer file and its WAL, or every value.</summary>
    public static byte[] RawBytes(IPageStore store)
    {
        if (store is FilePageStore file)
        {
            using var all = new MemoryStream();
            foreach (var path in new[] { file.Path, file.Path + "-wal", file.Path + "-journal" }.Where(File.Exists))
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                stream.CopyTo(all);
            }
            return all.ToArray();
        }
        return AllStored(store).SelectMany(v => v).ToArray();
    }
}
