namespace Folio.Redis.Tests.Async;

/// <summary>
/// "Processes" of <see cref="SharedCounterDb"/> over one Redis database: each a Redis connection,
/// a store and an object of its own, with a process scope of its own. Disposing closes every one
/// opened so far (newest first), and the set can be used again.
/// </summary>
internal sealed class CounterProcesses : IDisposable
{
    private readonly List<IDisposable> _opened = [];

    /// <summary>Opens one, synchronously.</summary>
    public (SharedCounterDb Db, RedisPageStore Store) Open(string name)
    {
        var store = Connect(name);
        return (Keep(SharedCounterDb.Open(store, Options(name), ownsStore: true)), store);
    }

    /// <summary>Opens one, asynchronously.</summary>
    public async Task<(SharedCounterDb Db, RedisPageStore Store)> OpenAsync(string name)
    {
        var store = Connect(name);
        return (Keep(await SharedCounterDb.OpenAsync(store, Options(name), ownsStore: true)), store);
    }

    public void Dispose()
    {
        for (var i = _opened.Count - 1; i >= 0; i--)
        {
            _opened[i].Dispose();
        }
        _opened.Clear();
    }

    private RedisPageStore Connect(string name) => RedisPageStore.Open(Keep(SharedRedis.Connect()), name);

    private static FolioOptions Options(string name) => new() { ProcessScope = new object(), Name = name + "-" + Guid.NewGuid().ToString("N") };

    private T Keep<T>(T opened) where T : IDisposable
    {
        _opened.Add(opened);
        return opened;
    }
}
