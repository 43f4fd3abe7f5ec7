using Folio.Storage;

namespace Folio.Conformance.Targets;

/// <summary>
/// Folio's VFS on a fresh <see cref="FilePageStore"/> per script (default options: shared and
/// durable), in a temporary directory deleted afterwards.
/// </summary>
public sealed class FileTarget : FolioStoreTarget
{
    /// <inheritdoc />
    public override string Name => "file";

    /// <inheritdoc />
    protected override IPageStore CreateStore(string name, out IDisposable? cleanup)
    {
        var directory = Directory.CreateTempSubdirectory("folio-slt-");
        cleanup = new DeleteDirectory(directory.FullName);
        try
        {
            return FilePageStore.Open(Path.Combine(directory.FullName, FilePageStore.DefaultFileName));
        }
        catch
        {
            cleanup.Dispose();
            throw;
        }
    }

    private sealed class DeleteDirectory(string path) : IDisposable
    {
        public void Dispose()
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
    }
}
