using System.Buffers.Binary;
using System.Globalization;
using Folio.Storage;

namespace Folio.Testing;

/// <summary>
/// A user store for tests: one file per page in a directory, a <c>head</c> file holding the
/// identity, version and page count (replaced by rename, so a head is read whole), and a lock
/// file that serialises commits across processes. Deleting the directory loses the database and
/// its identity, as a store that lost its data would; opening it again creates a new identity.
/// </summary>
/// <remarks>
/// Each page file starts with the version that wrote it, so a read pinned at an older version
/// fails with <see cref="StoreConflictException"/> on a page changed since, as the contract asks.
/// Built for tests: it does not fsync.
/// </remarks>
public sealed class DirectoryPageStore : IPageStore
{
    private const string HeadFile = "head";

    private readonly string _directory;

    private DirectoryPageStore(string directory, string name, int pageSize)
    {
        _directory = directory;
        Name = name;
        PageSize = pageSize;
    }

    /// <summary>Opens the store in <paramref name="directory"/>, creating the directory and a database with a new identity when missing.</summary>
    public static DirectoryPageStore Open(string directory, string name, int pageSize = PageSizes.Default)
    {
        Directory.CreateDirectory(directory);
        var store = new DirectoryPageStore(directory, name, pageSize);
        using (store.LockForCommit())
        {
            if (!File.Exists(Path.Combine(directory, HeadFile)))
            {
                store.WriteHead(new StoreHead(0, 0, StoreLineage.CreateNew()));
            }
        }
        return store;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public int PageSize { get; }

    /// <inheritdoc />
    public StoreHead GetHead()
    {
        string text;
        try
        {
            text = File.ReadAllText(Path.Combine(_directory, HeadFile));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new HistoryChangedException(Name, default, 0, default, 0, $"the store's directory '{_directory}' lost its data");
        }
        var parts = text.Split(' ');
        return new StoreHead(long.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture),
            new StoreLineage(Guid.ParseExact(parts[0], "N"), 0));
    }

    /// <inheritdoc />
    public IPageStoreReader BeginRead(long knownVersion) => new Reader(this, GetHead(), knownVersion);

    /// <inheritdoc />
    public long Commit(StoreCommit commit)
    {
        ArgumentNullException.ThrowIfNull(commit);
        using var gate = LockForCommit();
        var head = GetHead();
        if (head.Lineage != commit.ExpectedLineage)
        {
            throw new HistoryChangedException(Name, commit.ExpectedLineage, commit.ExpectedVersion, head.Lineage, head.Version, "the commit was built on another history");
        }
        if (head.Version != commit.ExpectedVersion)
        {
            throw new StoreConflictException(Name, commit.ExpectedVersion, head.Version);
        }
        var version = head.Version + 1;
        foreach (var page in commit.Pages)
        {
            var value = new byte[8 + page.Data.Length];
            BinaryPrimitives.WriteInt64LittleEndian(value, version);
            page.Data.Span.CopyTo(value.AsSpan(8));
            Replace(PagePath(page.Number), value);
        }
        for (var number = commit.NewPageCount; number < head.PageCount; number++)
        {
            File.Delete(PagePath(number));
        }
        WriteHead(new StoreHead(version, commit.NewPageCount, head.Lineage));
        return version;
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private string PagePath(long number) => Path.Combine(_directory, "p" + number.ToString(CultureInfo.InvariantCulture));

    private void WriteHead(StoreHead head) =>
        Replace(Path.Combine(_directory, HeadFile), System.Text.Encoding.ASCII.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"{head.Lineage.DatabaseId:N} {head.Version} {head.PageCount}")));

    private static void Replace(string path, byte[] bytes)
    {
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
    }

    // FileShare.None is an advisory lock between processes on Unix; retry while another holds it.
    private FileStream LockForCommit()
    {
        var path = Path.Combine(_directory, "lock");
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (DirectoryNotFoundException)
            {
                throw new HistoryChangedException(Name, default, 0, default, 0, $"the store's directory '{_directory}' lost its data");
            }
            catch (IOException) when (attempt < 2000)
            {
                Thread.Sleep(5);
            }
        }
    }

    private sealed class Reader(DirectoryPageStore store, StoreHead head, long knownVersion) : IPageStoreReader
    {
        public StoreLineage Lineage => head.Lineage;

        public long Version => head.Version;

        public long PageCount => head.PageCount;

        public IReadOnlyCollection<long>? ChangedPagesSinceKnown => knownVersion == head.Version ? Array.Empty<long>() : null;

        public int ReadPage(long pageNumber, Span<byte> destination)
        {
            byte[] value;
            try
            {
                value = File.ReadAllBytes(store.PagePath(pageNumber));
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                return 0;
            }
            var version = BinaryPrimitives.ReadInt64LittleEndian(value);
            if (version > head.Version)
            {
                throw new StoreConflictException(store.Name, head.Version, version);
            }
            value.AsSpan(8).CopyTo(destination);
            return value.Length - 8;
        }

        public void Dispose()
        {
        }
    }
}
