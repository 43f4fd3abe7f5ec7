using System.Linq;
using Microsoft.CodeAnalysis;

namespace Folio.Generator;

/// <summary>The types the parser compares against, looked up once per compilation.</summary>
internal sealed class KnownSymbols
{
    public const string PagedDatabaseAttributeName = "Folio.PagedDatabaseAttribute";
    public const string QueryAttributeName = "Folio.QueryAttribute";
    public const string ExecuteAttributeName = "Folio.ExecuteAttribute";

    /// <summary>The runtime's internal attribute asking for a thunk table only (its general VFS).</summary>
    public const string VfsThunksAttributeName = "Folio.Vfs.VfsThunksAttribute";

    /// <summary>
    /// The generator's full type name. The compiler puts each generated file under a folder of
    /// that name (<c>Folio.Generator/Folio.Generator.FolioGenerator/X.g.cs</c>), which is how the
    /// analyzer, which sees the generated files, tells them from the user's own.
    /// </summary>
    public const string GeneratorTypeName = "Folio.Generator.FolioGenerator";

    public KnownSymbols(Compilation compilation)
    {
        Compilation = compilation;
        PagedDatabaseAttribute = compilation.GetTypeByMetadataName(PagedDatabaseAttributeName);
        StorageAttribute = compilation.GetTypeByMetadataName("Folio.StorageAttribute");
        StoreFactoryAttribute = compilation.GetTypeByMetadataName("Folio.StoreFactoryAttribute");
        PageStorageAttribute = compilation.GetTypeByMetadataName("Folio.PageStorageAttribute");
        MigrationAttribute = compilation.GetTypeByMetadataName("Folio.MigrationAttribute");
        QueryAttribute = compilation.GetTypeByMetadataName(QueryAttributeName);
        ExecuteAttribute = compilation.GetTypeByMetadataName(ExecuteAttributeName);
        PageStore = compilation.GetTypeByMetadataName("Folio.Storage.IPageStore");
        PageKeyProvider = compilation.GetTypeByMetadataName("Folio.Storage.IPageKeyProvider");
        CancellationToken = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
        List = compilation.GetTypeByMetadataName("System.Collections.Generic.List`1");
        ReadOnlyList = compilation.GetTypeByMetadataName("System.Collections.Generic.IReadOnlyList`1");
        Enumerable = compilation.GetSpecialType(SpecialType.System_Collections_Generic_IEnumerable_T);
        ReadOnlyMemory = compilation.GetTypeByMetadataName("System.ReadOnlyMemory`1");
        Guid = compilation.GetTypeByMetadataName("System.Guid");
        DateTimeOffset = compilation.GetTypeByMetadataName("System.DateTimeOffset");
        DateOnly = compilation.GetTypeByMetadataName("System.DateOnly");
        TimeOnly = compilation.GetTypeByMetadataName("System.TimeOnly");
        Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        TaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        ValueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
        ValueTaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
        AsyncEnumerable = compilation.GetTypeByMetadataName("System.Collections.Generic.IAsyncEnumerable`1");
        EnumeratorCancellation = compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.EnumeratorCancellationAttribute");
    }

    public Compilation Compilation { get; }
    public INamedTypeSymbol? PagedDatabaseAttribute { get; }
    public INamedTypeSymbol? StorageAttribute { get; }
    public INamedTypeSymbol? StoreFactoryAttribute { get; }
    public INamedTypeSymbol? PageStorageAttribute { get; }
    public INamedTypeSymbol? MigrationAttribute { get; }
    public INamedTypeSymbol? QueryAttribute { get; }
    public INamedTypeSymbol? ExecuteAttribute { get; }
    public INamedTypeSymbol? PageStore { get; }

    public INamedTypeSymbol? PageKeyProvider { get; }
    public INamedTypeSymbol? CancellationToken { get; }
    public INamedTypeSymbol? List { get; }
    public INamedTypeSymbol? ReadOnlyList { get; }
    public INamedTypeSymbol Enumerable { get; }
    public INamedTypeSymbol? ReadOnlyMemory { get; }
    public INamedTypeSymbol? Guid { get; }
    public INamedTypeSymbol? DateTimeOffset { get; }
    public INamedTypeSymbol? DateOnly { get; }
    public INamedTypeSymbol? TimeOnly { get; }
    public INamedTypeSymbol? Task { get; }
    public INamedTypeSymbol? TaskOfT { get; }
    public INamedTypeSymbol? ValueTask { get; }
    public INamedTypeSymbol? ValueTaskOfT { get; }
    public INamedTypeSymbol? AsyncEnumerable { get; }
    public INamedTypeSymbol? EnumeratorCancellation { get; }

    public static bool Is(ITypeSymbol? type, INamedTypeSymbol? known) =>
        known is not null && SymbolEqualityComparer.Default.Equals(type?.OriginalDefinition, known);

    public bool IsPageStore(ITypeSymbol type) =>
        PageStore is not null && (SymbolEqualityComparer.Default.Equals(type, PageStore) || type.AllInterfaces.Contains(PageStore, SymbolEqualityComparer.Default));

    /// <summary>True when <paramref name="tree"/> is a file Folio's generator wrote.</summary>
    public static bool IsGeneratedByFolio(SyntaxTree tree) =>
        tree.FilePath.Split('/', '\\').Contains(GeneratorTypeName);

    public bool DerivesFrom(ITypeSymbol? type, INamedTypeSymbol? baseType)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(t, baseType))
            {
                return true;
            }
        }
        return false;
    }
}
