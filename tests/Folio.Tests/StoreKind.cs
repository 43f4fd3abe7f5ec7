using Folio.Storage;
using NUnit.Framework;

namespace Folio.Tests;

/// <summary>The stores every runtime test runs against.</summary>
public enum StoreKind
{
    Memory,
    File,
}

/// <summary>Creates fresh stores of each kind in a per-test temp directory.</summary>
public sealed class StoreFactory : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    public StoreFactory()
    {
        Directory = Path.Combine(Path.GetTempPath(), "folio-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public IPageStore Create(StoreKind kind, string name = "db", int pageSize = 4096)
    {
        IPageStore store = kind switch
        {
            StoreKind.Memory => new MemoryPageStore($"{name}-{Guid.NewGuid():N}", pageSize),
            StoreKind.File => FilePageStore.Open(Path.Combine(Directory, name + ".folio"), "main", pageSize),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        _owned.Add(store);
        return store;
    }

    /// <summary>A fresh store of <paramref name="kind"/> keeping the history <paramref name="history"/> asks for (file stores not durable when <paramref name="durable"/> is false).</summary>
    public IPageStore CreateWithHistory(StoreKind kind, HistoryRetention? history, string name = "db", bool durable = true) => Track(kind switch
    {
        StoreKind.Memory => new MemoryPageStore($"{name}-{Guid.NewGuid():N}", 4096, history: history),
        StoreKind.File => FilePageStore.Open(Path.Combine(Directory, name + ".folio"), "main", 4096, new FileStoreOptions { History = history, Durable = durable }),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    });

    /// <summary>Opens the same store again (a new instance on the same data), as a restarted process would.</summary>
    public IPageStore Reopen(StoreKind kind, IPageStore store) => kind switch
    {
        StoreKind.Memory => store,
        StoreKind.File => Track(FilePageStore.Open(((FilePageStore)store).Path, "main", store.PageSize)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private IPageStore Track(IPageStore store)
    {
        _owned.Add(store);
        return store;
    }

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A child process may still hold a file for a moment; the OS temp cleaner takes it.
        }
    }
}

/// <summary>A fresh <see cref="StoreFactory"/> (and temp directory) per test, disposed after it.</summary>
/// <param name="codec">The page codec variant the fixture runs under (see <see cref="Folio.Testing.TestCodecs"/>): "none" for the default.</param>
public abstract class StoreTest(string codec = "none")
{
    protected StoreFactory Stores { get; private set; } = null!;

    /// <summary>
    /// <see cref="FolioDatabase.Open(Storage.IPageStore, FolioOptions?, bool)"/> under the fixture's
    /// codec: the same cases run on compressed, encrypted and both kinds of pages.
    /// </summary>
    protected FolioDatabase OpenDatabase(Storage.IPageStore store, FolioOptions? options = null, bool ownsStore = false)
    {
        if (codec != "none")
        {
            options ??= new FolioOptions();
            options.Codec ??= Folio.Testing.TestCodecs.Create(codec);
        }
        return FolioDatabase.Open(store, options, ownsStore);
    }

    [SetUp]
    public void CreateStores() => Stores = new StoreFactory();

    [TearDown]
    public void DisposeStores() => Stores.Dispose();
}
