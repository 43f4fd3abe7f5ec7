using Folio.Storage;

namespace Folio.Vfs;

/// <summary>
/// The runtime's own VFS, named <c>folio</c>: any store, any page size, chosen at run time. Tools,
/// tests and <see cref="FolioDatabase"/> use it; generated code registers VFSs specialised for one
/// store type and page size. Its <c>[UnmanagedCallersOnly]</c> thunks are not written here: Folio's
/// generator writes them (<c>GeneralVfs.Vfs.g.cs</c>) from the same slot list as every
/// <c>[PagedDatabase]</c> class's, so the two tables cannot drift apart.
/// </summary>
[VfsThunks(typeof(PagedVfs<IPageStore, RuntimePageSize>))]
internal static partial class GeneralVfs
{
    public const string Name = "folio";

    // What the generated registration registers, named as in a database class: the VFS name, and
    // 0 for a page size taken from each store.
    private const string VfsName = Name;
    private const int PageSize = 0;

    /// <summary>The registration, made once, thread-safely, on first use.</summary>
    public static VfsRegistration Registration => __FolioVfs.Registration;
}

/// <summary>
/// Makes Folio's generator write into the partial class it marks only the thunk table a
/// <c>[PagedDatabase]</c> class gets: a nested <c>__FolioVfs</c> whose entry points forward to
/// <see cref="Implementation"/> and whose registration reads the class's <c>VfsName</c> and
/// <c>PageSize</c> constants. Internal: the runtime's general VFS is its one user.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
internal sealed class VfsThunksAttribute(Type implementation) : Attribute
{
    /// <summary>The closed <see cref="PagedVfs{TStore, TPageSize}"/> the thunks forward to.</summary>
    public Type Implementation { get; } = implementation;
}
