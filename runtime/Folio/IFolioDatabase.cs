using Folio.Storage;

namespace Folio;

/// <summary>
/// What every generated database class offers as a type, so code that does not know the class
/// (dependency injection, health checks, tools) can open and use it: <c>TDb.Open(store, …)</c>.
/// The generator implements it on each <c>[PagedDatabase]</c> class; do not implement it by hand.
/// </summary>
/// <typeparam name="TSelf">The database class itself.</typeparam>
public interface IFolioDatabase<TSelf> : IDisposable
    where TSelf : class, IFolioDatabase<TSelf>
{
    /// <summary>The page size of every store the class is kept in.</summary>
    static abstract int PageSize { get; }

    /// <summary>Attaches <paramref name="store"/>, opens a connection and applies the migrations.</summary>
    /// <param name="store">The store; its page size must be <see cref="PageSize"/>.</param>
    /// <param name="options">Cache, pooling, logging and naming options; null for the defaults.</param>
    /// <param name="ownsStore">Dispose the store with the object.</param>
    static abstract TSelf Open(IPageStore store, FolioOptions? options, bool ownsStore);

    /// <summary>The asynchronous twin of <see cref="Open"/>, with the store's work awaited.</summary>
    /// <param name="store">The store; its page size must be <see cref="PageSize"/>.</param>
    /// <param name="options">Cache, pooling, logging and naming options; null for the defaults.</param>
    /// <param name="ownsStore">Dispose the store with the object.</param>
    /// <param name="warm">Load every page into the page cache first.</param>
    /// <param name="cancellationToken">Cancels the store's work.</param>
    static abstract ValueTask<TSelf> OpenAsync(IPageStore store, FolioOptions? options, bool ownsStore, bool warm, CancellationToken cancellationToken);

    /// <summary>The attached database: its name, store and connection string.</summary>
    FolioDatabase Database { get; }

    /// <summary>True when the object is pooled and thread-safe.</summary>
    bool IsPooled { get; }
}
