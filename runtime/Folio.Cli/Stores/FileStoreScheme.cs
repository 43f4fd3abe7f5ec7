using System.Globalization;
using Folio.Storage;

namespace Folio.Cli.Stores;

/// <summary>
/// <c>file:&lt;path&gt;</c> or <c>file:&lt;path&gt;#&lt;database&gt;</c> (also <c>file:///abs/path</c>): a
/// <see cref="FilePageStore"/>. A path without an extension is a directory holding
/// <see cref="FilePageStore.DefaultFileName"/>, as for <see cref="FilePageStore.Open"/>.
/// </summary>
internal sealed class FileStoreScheme : IStoreScheme
{
    public string Scheme => "file";

    public string Syntax => "file:<path>[#<database>]";

    public StoreLocation Parse(string uri)
    {
        var rest = uri[(uri.IndexOf(':', StringComparison.Ordinal) + 1)..];
        var database = "main";
        var hash = rest.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            database = rest[(hash + 1)..];
            rest = rest[..hash];
            if (database.Length == 0)
            {
                throw new UsageException($"'{uri}' has an empty database name after '#'; write {Syntax}");
            }
        }
        if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            // The URI form: file:///abs/path or file://localhost/abs/path.
            var slash = rest.IndexOf('/', 2);
            var host = slash < 0 ? rest[2..] : rest[2..slash];
            if (slash < 0 || (host.Length > 0 && !host.Equals("localhost", StringComparison.OrdinalIgnoreCase)))
            {
                throw new UsageException($"'{uri}' names a host; a file store is local: write file:///absolute/path or file:relative/path");
            }
            rest = rest[slash..];
        }
        if (rest.StartsWith("~/", StringComparison.Ordinal))
        {
            rest = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), rest[2..]);
        }
        if (rest.Length == 0)
        {
            throw new UsageException($"'{uri}' has no path; write {Syntax}");
        }
        return new FileStoreLocation(uri, rest, database);
    }
}

/// <summary>A database in a Folio outer file.</summary>
internal sealed class FileStoreLocation(string uri, string path, string database) : StoreLocation(uri)
{
    /// <summary>The path as written.</summary>
    public string GivenPath { get; } = path;

    /// <summary>The database's name inside the file.</summary>
    public string Database { get; } = database;

    /// <summary>The outer file, resolved as <see cref="FilePageStore.ResolveFile"/> does but without creating directories.</summary>
    public string OuterPath { get; } = ResolveWithoutCreating(path);

    public override StoreProbe? Probe()
    {
        var entry = FileStoreCatalog.Read(OuterPath)?.FirstOrDefault(d => d.Name == Database);
        return entry is null ? null : new StoreProbe(entry.PageSize, entry.PageCount);
    }

    public override IPageStore Open(int pageSize, StoreSettings settings)
    {
        // Read the catalog first: it refuses a plain SQLite file, which FilePageStore.Open would
        // otherwise turn into an outer file by adding its tables to the user's database.
        FileStoreCatalog.Read(OuterPath);
        return FilePageStore.Open(OuterPath, Database, pageSize, new FileStoreOptions { BusyTimeout = settings.BusyTimeout });
    }

    public override DateTimeOffset? LastCommitTime(IPageStore store) => ((FilePageStore)store).LastCommitTime;

    public override IEnumerable<KeyValuePair<string, string>> Describe(IPageStore store)
    {
        var file = (FilePageStore)store;
        yield return new("kind", "file store (pages in a table of an outer SQLite file in WAL mode)");
        var wal = new FileInfo(file.Path + "-wal");
        yield return new("file", $"{file.Path} ({Bytes(new FileInfo(file.Path).Length)}, WAL {Bytes(wal.Exists ? wal.Length : 0)})");
        yield return new("database", file.Database);
        var all = FileStoreCatalog.Read(file.Path) ?? [];
        yield return new("databases in file", string.Join(", ", all.Select(d =>
            string.Create(CultureInfo.InvariantCulture, $"{d.Name} ({d.PageCount} pages of {d.PageSize} bytes)"))));
        yield return new("sharing", file.Mode == FileStoreMode.Shared ? "shared (other processes may open the file)" : "exclusive");
    }

    private static string Bytes(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KiB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):0.##} GiB"),
    };

    private static string ResolveWithoutCreating(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        return Directory.Exists(full) || !System.IO.Path.HasExtension(full)
            ? System.IO.Path.Combine(full, FilePageStore.DefaultFileName)
            : full;
    }
}
