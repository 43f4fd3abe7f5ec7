using Folio.Storage;

namespace Folio.Conformance.Targets;

/// <summary>Folio's VFS on a fresh file store per script, in a temporary directory deleted afterwards.</summary>
public sealed class FileTarget : FolioStoreTarget
{
    /// <inheritdoc />
    public override string Name => "file";

    /// <inheritdoc />
    protected override IPageStore CreateStore(string name, out IDisposable? cleanup)
    {
        cleanup = null;
        throw new StoreNotAvailableException("file", "Folio has no FilePageStore in this build");
    }
}
