namespace Folio;

/// <summary>
/// Keeps the database in a store type of your own. The generated class gets <c>Open(TStore store)</c>
/// and, when the type has a public parameterless constructor, <c>Open()</c>; the generated VFS is
/// specialised for the type.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class PageStorageAttribute : StorageAttribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="storeType">A class implementing <see cref="Storage.IPageStore"/>.</param>
    public PageStorageAttribute(Type storeType)
    {
        StoreType = storeType;
    }

    /// <summary>The store type.</summary>
    public Type StoreType { get; }
}
