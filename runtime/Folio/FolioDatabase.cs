using Folio.Diagnostics;
using Folio.Storage;
using Folio.Vfs;

namespace Folio;

/// <summary>
/// A page store attached to a Folio VFS under a name, so SQLite connections can open it: Folio's
/// own (<see cref="OpenConnection"/>) or any other client in the process through
/// <see cref="ConnectionString"/> (Microsoft.Data.Sqlite, Dapper, EF Core).
/// </summary>
/// <example>
/// <code>
/// using var db = FolioDatabase.Open(FilePageStore.Open("data/app.folio"));
/// using var connection = db.OpenConnection();
/// connection.Execute("CREATE TABLE IF NOT EXISTS t(x)");
/// </code>
/// </example>
public sealed partial class FolioDatabase : IDisposable
{
    private readonly VfsRegistration _registration;
    private readonly SharedDatabase _shared;
    private readonly bool _ownsStore;
    private int _disposed;

    private FolioDatabase(VfsRegistration registration, SharedDatabase shared, FolioOptions options, bool ownsStore)
    {
        _registration = registration;
        _shared = shared;
        _ownsStore = ownsStore;
        Options = options;
    }

    /// <summary>Attaches <paramref name="store"/> to the general-purpose <c>folio</c> VFS.</summary>
    /// <param name="store">The store holding the database.</param>
    /// <param name="options">Cache, journal and naming options.</param>
    /// <param name="ownsStore">Dispose the store with this object.</param>
    public static FolioDatabase Open(IPageStore store, FolioOptions? options = null, bool ownsStore = false) =>
        Open(GeneralVfs.Registration, store, options, ownsStore);

    /// <summary>Attaches <paramref name="store"/> to a given VFS (generated code passes its own).</summary>
    public static FolioDatabase Open(VfsRegistration registration, IPageStore store, FolioOptions? options = null, bool ownsStore = false)
    {
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentNullException.ThrowIfNull(store);
        options ??= new FolioOptions();
        var shared = registration.Attach(options.Name ?? store.Name, store, options, exactName: options.Name is not null);
        return new FolioDatabase(registration, shared, options, ownsStore);
    }

    /// <summary>The attachment behind this object (the database's in-process state and its store).</summary>
    internal SharedDatabase Shared => _shared;

    /// <summary>The name SQLite knows the database by.</summary>
    public string Name => _shared.Name;

    /// <summary>The VFS the database is attached to.</summary>
    public string VfsName => _registration.Name;

    /// <summary>The store.</summary>
    public IPageStore Store => _shared.Store;

    /// <summary>The page size.</summary>
    public int PageSize => _shared.PageSize;

    /// <summary>The options the database was attached with.</summary>
    public FolioOptions Options { get; }

    /// <summary>What the store did for this database in this process.</summary>
    public FolioStatistics Statistics => _shared.Statistics;

    /// <summary>A Microsoft.Data.Sqlite connection string that opens this database through its VFS.</summary>
    public string ConnectionString => $"Data Source={Name};Vfs={VfsName};Pooling=False";

    /// <summary>Opens a new SQLite connection on the database, set up with <see cref="Options"/>.</summary>
    public FolioConnection OpenConnection()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return FolioConnection.Open(this);
    }

    /// <summary>Detaches the name (open connections keep working until closed); disposes the store if owned.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _registration.Detach(_shared);
        if (_ownsStore)
        {
            _shared.Store.Dispose();
        }
    }
}
