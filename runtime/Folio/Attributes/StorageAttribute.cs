namespace Folio;

/// <summary>
/// The base of every storage attribute: the attribute on a <see cref="PagedDatabaseAttribute"/>
/// class that says where its pages live. A store package adds its own storage attribute by
/// deriving from this class and naming a factory with <see cref="StoreFactoryAttribute"/>; the
/// generator needs no change.
/// </summary>
/// <remarks>
/// Public properties of a storage attribute that match a factory parameter by name (ignoring
/// case) and are set where the attribute is used become fixed arguments: the generator then also
/// writes an <c>Open</c> overload without those parameters (see <see cref="FileStorageAttribute.Path"/>).
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public abstract class StorageAttribute : Attribute
{
    /// <summary>
    /// A class implementing <see cref="Storage.IPageKeyProvider"/> with a public parameterless
    /// constructor: the generated <c>Open</c> methods encrypt every page with AES-256-GCM under its
    /// keys (a new provider per open), unless the <see cref="FolioOptions"/> passed name a codec.
    /// </summary>
    public Type? KeyProvider { get; set; }

    /// <summary>
    /// The compression the generated <c>Open</c> methods write pages with (default none), unless
    /// the <see cref="FolioOptions"/> passed name a codec.
    /// </summary>
    public Storage.PageCompression Compression { get; set; }
}

/// <summary>
/// Names the static class that opens the stores of a <see cref="StorageAttribute"/>. Every public
/// static method of that class whose last parameter is <c>int pageSize</c> and whose return type
/// implements <see cref="Storage.IPageStore"/> becomes one generated <c>Open</c> overload taking
/// the other parameters; the generated VFS is specialised for the return type.
/// </summary>
/// <example>
/// <code>
/// [StoreFactory(typeof(MyStoreFactory))]
/// public sealed class MyStorageAttribute : StorageAttribute { }
///
/// public static class MyStoreFactory
/// {
///     // becomes: public static MyDb Open(string connectionString)
///     public static MyStore Create(string connectionString, int pageSize) => new(connectionString, pageSize);
/// }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class StoreFactoryAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="factoryType">The static class holding the factory methods.</param>
    public StoreFactoryAttribute(Type factoryType)
    {
        FactoryType = factoryType;
    }

    /// <summary>The static class holding the factory methods.</summary>
    public Type FactoryType { get; }
}
