namespace Folio.Generator.Model;

/// <summary>Everything the emitter needs to write one database class.</summary>
/// <param name="Namespace">The namespace, or null for the global namespace.</param>
/// <param name="ContainingTypes">The types the class is nested in, outermost first.</param>
/// <param name="ClassKeyword">The declaration keyword: <c>class</c> or <c>record</c>.</param>
/// <param name="ClassName">The class's own name.</param>
/// <param name="FullName">Namespace, containing types and name joined with dots, e.g. <c>MyApp.Data.TodoDb</c>.</param>
/// <param name="VfsName">The VFS name to register.</param>
/// <param name="PageSize">The page size.</param>
/// <param name="Storage">How stores are opened.</param>
/// <param name="Migrations">The migrations, ordered by version.</param>
/// <param name="Methods">The typed methods, in declaration order.</param>
internal sealed record DatabaseSpec(
    string? Namespace,
    EquatableArray<ContainingTypeSpec> ContainingTypes,
    string ClassKeyword,
    string ClassName,
    string FullName,
    string VfsName,
    int PageSize,
    StorageSpec Storage,
    EquatableArray<MigrationSpec> Migrations,
    EquatableArray<MethodSpec> Methods);

/// <summary>A containing type: its declaration keyword (<c>class</c>, <c>record struct</c>…) and name.</summary>
internal sealed record ContainingTypeSpec(string Keyword, string Name);

/// <summary>One migration.</summary>
internal sealed record MigrationSpec(int Version, string Sql);

/// <summary>How stores are opened: the store type the VFS is specialised for and the <c>Open</c> overloads.</summary>
/// <param name="AttributeName">The storage attribute's name, for comments.</param>
/// <param name="StoreType">The fully qualified store type (<c>global::…</c>).</param>
/// <param name="Opens">The overloads beyond <c>Open(IPageStore)</c>.</param>
/// <param name="Codec">An expression making the page codec the attribute asks for (<c>KeyProvider</c>, <c>Compression</c>), or null for the default.</param>
internal sealed record StorageSpec(string AttributeName, string StoreType, EquatableArray<OpenSpec> Opens, string? Codec = null);

/// <summary>How an <c>Open</c> overload gets its store.</summary>
internal enum OpenKind
{
    /// <summary>Calls a factory method with the parameters and the page size.</summary>
    Factory,

    /// <summary>Takes a store instance (<c>[PageStorage]</c>); the caller keeps ownership.</summary>
    StoreInstance,

    /// <summary>Creates the store with its parameterless constructor (<c>[PageStorage]</c>).</summary>
    NewStore,
}

/// <summary>One generated <c>Open</c> overload.</summary>
/// <param name="Kind">How the store is obtained.</param>
/// <param name="Factory">The factory call target (<c>global::F.Create</c>) for <see cref="OpenKind.Factory"/>.</param>
/// <param name="Arguments">The factory's arguments before the page size, in order: parameters or fixed values.</param>
internal sealed record OpenSpec(OpenKind Kind, string? Factory, EquatableArray<OpenArgumentSpec> Arguments);

/// <summary>An argument of a factory call: a parameter of the overload, or a fixed value taken from the storage attribute.</summary>
/// <param name="Name">The parameter's name.</param>
/// <param name="Type">Its fully qualified type.</param>
/// <param name="FixedValue">A C# expression when the attribute fixes the value; null when the caller passes it.</param>
internal sealed record OpenArgumentSpec(string Name, string Type, string? FixedValue);

/// <summary>
/// A class marked <c>[VfsThunks]</c> (the runtime's general VFS): it gets the thunk table of a
/// database class and nothing else.
/// </summary>
/// <param name="Namespace">The namespace, or null for the global namespace.</param>
/// <param name="ContainingTypes">The types the class is nested in, outermost first.</param>
/// <param name="ClassKeyword">The declaration keyword.</param>
/// <param name="ClassName">The class's own name.</param>
/// <param name="FullName">Namespace, containing types and name joined with dots.</param>
/// <param name="Implementation">The fully qualified <c>PagedVfs&lt;TStore, TPageSize&gt;</c> the thunks forward to.</param>
internal sealed record VfsSpec(
    string? Namespace,
    EquatableArray<ContainingTypeSpec> ContainingTypes,
    string ClassKeyword,
    string ClassName,
    string FullName,
    string Implementation);
