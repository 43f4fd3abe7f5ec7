using Folio.Storage;

namespace Folio;

/// <summary>
/// Keeps the database in process memory (<see cref="MemoryPageStore"/>): the generated class gets
/// <c>Open(string name)</c>, and every open with the same name in the process sees the same data.
/// </summary>
[StoreFactory(typeof(MemoryStoreFactory))]
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class MemoryStorageAttribute : StorageAttribute
{
}

/// <summary>Opens the stores of <see cref="MemoryStorageAttribute"/> databases.</summary>
public static class MemoryStoreFactory
{
    /// <summary>The process-wide memory store called <paramref name="name"/>, created on first use.</summary>
    /// <param name="name">The store's name, shared by every open in the process.</param>
    /// <param name="pageSize">The class's page size.</param>
    public static MemoryPageStore Create(string name, int pageSize) => MemoryPageStore.GetOrCreate(name, pageSize);
}
