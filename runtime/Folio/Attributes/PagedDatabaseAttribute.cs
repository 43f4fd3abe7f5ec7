namespace Folio;

/// <summary>
/// Marks a <see langword="partial"/> class as a Folio database. The Folio generator writes its
/// VFS (native thunks and registration), its <c>Open</c> methods, its migrations and the bodies of
/// its <see cref="QueryAttribute"/> and <see cref="ExecuteAttribute"/> methods.
/// </summary>
/// <remarks>
/// The class also needs exactly one storage attribute (a <see cref="StorageAttribute"/> such as
/// <see cref="MemoryStorageAttribute"/>, <see cref="FileStorageAttribute"/> or
/// <see cref="PageStorageAttribute"/>), and the project needs <c>AllowUnsafeBlocks</c> because
/// the VFS entry points are function pointers.
/// </remarks>
/// <example>
/// <code>
/// [PagedDatabase(PageSize = 4096)]
/// [MemoryStorage]
/// [Migration(1, "CREATE TABLE note(id INTEGER PRIMARY KEY, text TEXT NOT NULL)")]
/// public partial class NotesDb
/// {
///     [Execute("INSERT INTO note(text) VALUES ($text)")]
///     public partial int AddNote(string text);
/// }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class PagedDatabaseAttribute : Attribute
{
    /// <summary>The page size in bytes: a power of two from 512 to 65536. Default 4096.</summary>
    public int PageSize { get; set; } = 4096;

    /// <summary>
    /// The name the class's VFS is registered under (<c>Vfs=</c> for other SQLite clients).
    /// Default <c>folio:</c> followed by the class's full name, e.g. <c>folio:MyApp.Data.TodoDb</c>.
    /// </summary>
    public string? Name { get; set; }
}
