using Folio.Storage;

namespace Folio;

/// <summary>
/// Keeps the database in a local file (<see cref="FilePageStore"/>): the generated class gets
/// <c>Open(string path)</c> and, when <see cref="Path"/> is set, <c>Open()</c>.
/// </summary>
[StoreFactory(typeof(FileStoreFactory))]
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class FileStorageAttribute : StorageAttribute
{
    /// <summary>
    /// The default path, relative to the current directory; a path without an extension names a
    /// directory holding the file. When set, the generated class also gets a parameterless <c>Open()</c>.
    /// </summary>
    public string? Path { get; set; }
}

/// <summary>Opens the stores of <see cref="FileStorageAttribute"/> databases.</summary>
public static class FileStoreFactory
{
    /// <summary>The database <c>main</c> of the file at <paramref name="path"/>, created when missing.</summary>
    /// <param name="path">The file, or a directory (a path without an extension) to hold it.</param>
    /// <param name="pageSize">The class's page size.</param>
    public static FilePageStore Create(string path, int pageSize) => FilePageStore.Open(path, "main", pageSize);
}
