using Folio.Storage;
using Microsoft.Extensions.Logging;

namespace Folio;

/// <summary>
/// How a host opens a generated database class: the store it is kept in and the options of the
/// object. What <c>services.AddFolioDatabase&lt;TDb&gt;(o =&gt; …)</c> configures (package
/// Folio.Extensions.DependencyInjection); its plain properties bind from configuration.
/// </summary>
/// <example>
/// <code>
/// "Folio": { "TodoDb": { "Path": "data/todo", "MaxConnections": 16, "CachePages": 4096 } }
/// </code>
/// </example>
public sealed class FolioDatabaseOptions
{
    private Func<IServiceProvider, int, IPageStore>? _storeFactory;
    private string? _storeDescription;

    /// <summary>The directory of the embedded file store. Setting it (or calling <see cref="UseFileStore"/>) chooses that store.</summary>
    public string? Path { get; set; }

    /// <summary>Keep the database in memory, for tests and caches (chosen when no other store is).</summary>
    public bool InMemory { get; set; }

    /// <summary>
    /// How many SQLite connections the object may open (<see cref="FolioOptions.MaxConnections"/>).
    /// A host shares one object between every request, so the default pools: twice the processor
    /// count, at least 4.
    /// </summary>
    public int MaxConnections { get; set; } = Math.Max(4, Environment.ProcessorCount * 2);

    /// <summary>Pages kept decoded in the page cache (<see cref="FolioOptions.CachePages"/>). Default 2048.</summary>
    public int CachePages { get; set; } = 2048;

    /// <summary>How long a connection waits for another's lock (<see cref="FolioOptions.BusyTimeout"/>). Default 5 s.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The file name SQLite sees (<see cref="FolioOptions.Name"/>); the store's name by default.</summary>
    public string? Name { get; set; }

    /// <summary>Where Folio logs; a host sets the logger of its own <c>ILoggerFactory</c> when this is null.</summary>
    public ILogger? Logger { get; set; }

    /// <summary>A human-readable account of the chosen store, for health checks and logs.</summary>
    public string StoreDescription => _storeDescription ?? (Path is not null ? $"file store at '{Path}'" : InMemory ? "memory store" : "no store chosen");

    /// <summary>Keeps the database in the embedded file store in <paramref name="path"/>.</summary>
    public FolioDatabaseOptions UseFileStore(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = path;
        _storeFactory = null;
        _storeDescription = null;
        return this;
    }

    /// <summary>Keeps the database in memory (it lives as long as the object).</summary>
    public FolioDatabaseOptions UseMemoryStore()
    {
        InMemory = true;
        Path = null;
        _storeFactory = null;
        _storeDescription = null;
        return this;
    }

    /// <summary>Keeps the database in the store <paramref name="factory"/> makes (disposed with the object).</summary>
    /// <param name="factory">Makes the store; gets the host's services and the class's page size.</param>
    /// <param name="description">Names the store in health checks and logs.</param>
    public FolioDatabaseOptions UseStore(Func<IServiceProvider, int, IPageStore> factory, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _storeFactory = factory;
        _storeDescription = description ?? "a store of the application's";
        return this;
    }

    /// <summary>As <see cref="UseStore(Func{IServiceProvider, int, IPageStore}, string?)"/>, for a factory that needs only the services.</summary>
    public FolioDatabaseOptions UseStore(Func<IServiceProvider, IPageStore> factory, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return UseStore((services, _) => factory(services), description);
    }

    /// <summary>Makes the chosen store for a class of page size <paramref name="pageSize"/>.</summary>
    /// <param name="services">The host's services.</param>
    /// <param name="pageSize">The database class's page size.</param>
    /// <param name="className">The database class, for the error when no store was chosen.</param>
    public IPageStore CreateStore(IServiceProvider services, int pageSize, string className)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (_storeFactory is not null)
        {
            return _storeFactory(services, pageSize);
        }
        if (Path is not null)
        {
            return FileStoreFactory.Create(Path, pageSize);
        }
        if (InMemory)
        {
            return new MemoryPageStore(Name ?? className, pageSize);
        }
        throw new InvalidOperationException(
            $"{className}: no store was chosen. Call UseFileStore(path), UseMemoryStore(), UseRedis(...) or UseStore(...) in AddFolioDatabase<{className}>, " +
            "or set 'Path' (or 'InMemory': true) in its configuration section.");
    }

    /// <summary>The <see cref="FolioOptions"/> these settings make, logging to <paramref name="logger"/> unless <see cref="Logger"/> is set.</summary>
    public FolioOptions ToFolioOptions(ILogger? logger = null) => new()
    {
        Name = Name,
        CachePages = CachePages,
        BusyTimeout = BusyTimeout,
        MaxConnections = MaxConnections,
        Logger = Logger ?? logger,
    };
}
