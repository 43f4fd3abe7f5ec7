using Folio.Storage;

namespace Folio.Conformance.Targets;

/// <summary>Folio's VFS on a fresh <see cref="MemoryPageStore"/> per script.</summary>
public sealed class MemoryTarget : FolioStoreTarget
{
    /// <inheritdoc />
    public override string Name => "memory";

    /// <inheritdoc />
    protected override IPageStore CreateStore(string name, out IDisposable? cleanup)
    {
        cleanup = null;
        return new MemoryPageStore(name);
    }
}
