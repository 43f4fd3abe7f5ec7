using Folio.Storage;

namespace Folio.Conformance.Targets;

/// <summary>
/// A Folio store behind Folio's VFS: each script gets a fresh store from <see cref="CreateStore"/>,
/// attached with <see cref="FolioDatabase.Open(IPageStore, FolioOptions?, bool)"/>, and one
/// connection for the whole script. A new store kind is one subclass that says how to make a store.
/// </summary>
public abstract class FolioStoreTarget : IStoreTarget
{
    /// <inheritdoc />
    public abstract string Name { get; }

    /// <summary>Run every statement on Folio's asynchronous path (<see cref="AsyncSqlSession"/>) instead of SQLite's C API directly.</summary>
    public bool Async { get; set; }

    /// <summary>The page codec each script's database is attached with; null for the default.</summary>
    public IPageCodec? Codec { get; set; }

    /// <summary>
    /// Creates a new, empty store named <paramref name="name"/>; <paramref name="cleanup"/> is
    /// disposed after the store (for example to delete a temporary directory), and may be null.
    /// </summary>
    protected abstract IPageStore CreateStore(string name, out IDisposable? cleanup);

    /// <inheritdoc />
    public ISqlSession OpenFresh(string label)
    {
        var name = $"slt-{Name}-{Guid.NewGuid():N}";
        var store = CreateStore(name, out var cleanup);
        var owner = new Owner(cleanup);
        owner.Add(store);
        try
        {
            var database = FolioDatabase.Open(store, new FolioOptions { Name = name, Codec = Codec });
            owner.Add(database);
            var connection = database.OpenConnection();
            owner.Add(connection);
            return Async ? new AsyncSqlSession(connection, owner) : new SqliteSession(connection.Handle, owner);
        }
        catch
        {
            owner.Dispose();
            throw;
        }
    }

    /// <summary>Disposes the connection, then the database, then the store, then the clean-up.</summary>
    private sealed class Owner(IDisposable? cleanup) : IDisposable
    {
        private readonly List<IDisposable> _items = [];

        public void Add(IDisposable item) => _items.Add(item);

        public void Dispose()
        {
            List<Exception>? errors = null;
            for (var i = _items.Count - 1; i >= 0; i--)
            {
                try
                {
                    _items[i].Dispose();
                }
                catch (Exception e)
                {
                    (errors ??= []).Add(e);
                }
            }
            _items.Clear();
            try
            {
                cleanup?.Dispose();
            }
            catch (Exception e)
            {
                (errors ??= []).Add(e);
            }
            if (errors is not null)
            {
                throw new AggregateException("closing the conformance database failed", errors);
            }
        }
    }
}
