using Folio.Conformance.Targets;
using Folio.Storage;

namespace Folio.Conformance.Tests;

/// <summary>Folio's VFS on a fresh <see cref="MemoryPageStore"/> per script, wrapped by a test's own store (faults, counters).</summary>
internal sealed class WrappedMemoryTarget<TStore>(string name, Func<IPageStore, TStore> wrap) : FolioStoreTarget
    where TStore : IPageStore
{
    /// <summary>The store of the last script opened.</summary>
    public TStore? Store { get; private set; }

    public override string Name => name;

    protected override IPageStore CreateStore(string storeName, out IDisposable? cleanup)
    {
        cleanup = null;
        return Store = wrap(new MemoryPageStore(storeName));
    }
}
