using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Folio.Generator;

/// <summary>
/// Every diagnostic Folio's generator and analyzers report, in one place. IDs: FOLIO0xx for
/// declarations, FOLIO1xx for queries and SQL, FOLIO2xx for storage. Each has a page at
/// <c>docs/rules/ID.md</c>. Retired IDs stay listed here as comments and are never reused.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string HelpRoot = "https://github.com/folio/folio/blob/main/docs/rules/";
    private const string Declarations = "Folio.Declarations";
    private const string Queries = "Folio.Queries";
    private const string Storage = "Folio.Storage";

    public static readonly DiagnosticDescriptor InvalidPageSize = Error("FOLIO001", Declarations,
        "Invalid page size",
        "Page size {0} of '{1}' is invalid: it must be a power of two from 512 to 65536");

    public static readonly DiagnosticDescriptor NotPartial = Error("FOLIO002", Declarations,
        "Database class must be partial",
        "'{0}' must be declared partial so Folio can add its VFS, Open methods and typed methods");

    public static readonly DiagnosticDescriptor NoStorage = Error("FOLIO003", Declarations,
        "Database class has no storage attribute",
        "'{0}' needs a storage attribute such as [MemoryStorage], [FileStorage] or [PageStorage(typeof(MyStore))]");

    public static readonly DiagnosticDescriptor SeveralStorages = Error("FOLIO004", Declarations,
        "Database class has several storage attributes",
        "'{0}' has several storage attributes ({1}); keep exactly one");

    public static readonly DiagnosticDescriptor BadPageStorageType = Error("FOLIO005", Declarations,
        "PageStorage type is not a page store",
        "[PageStorage(typeof({0}))] on '{1}': {0} must be a class or interface implementing Folio.Storage.IPageStore");

    public static readonly DiagnosticDescriptor BadMigrationVersion = Error("FOLIO006", Declarations,
        "Invalid migration version",
        "Migration version {0} of '{1}' is invalid: {2}");

    public static readonly DiagnosticDescriptor UnsupportedClass = Error("FOLIO007", Declarations,
        "Database class shape not supported",
        "'{0}' cannot be a Folio database: {1}");

    public static readonly DiagnosticDescriptor UnsafeRequired = Error("FOLIO008", Declarations,
        "Database classes need unsafe code",
        "'{0}' needs <AllowUnsafeBlocks>true</AllowUnsafeBlocks> in the project: its VFS entry points are function pointers");

    public static readonly DiagnosticDescriptor DuplicateVfsName = Error("FOLIO009", Declarations,
        "Two database classes share a VFS name",
        "'{0}' registers VFS '{1}', as '{2}' does; give one of them [PagedDatabase(Name = ...)] a name of its own");

    public static readonly DiagnosticDescriptor MethodNotPartial = Error("FOLIO101", Queries,
        "Query method must be a partial definition",
        "'{0}' must be a non-generic, non-static partial method declaration without a body: {1}");

    public static readonly DiagnosticDescriptor UnknownSqlParameter = Error("FOLIO102", Queries,
        "SQL parameter matches no method parameter",
        "SQL parameter '{0}' of '{1}' matches no parameter of the method");

    public static readonly DiagnosticDescriptor UnusedParameter = Warning("FOLIO103", Queries,
        "Method parameter not used by the SQL",
        "Parameter '{0}' of '{1}' is not used by its SQL (refer to it as ${0}, :{0} or @{0})");

    public static readonly DiagnosticDescriptor UnsupportedParameter = Error("FOLIO104", Queries,
        "Unsupported parameter",
        "Parameter '{0}' of '{1}' cannot be bound: {2}");

    public static readonly DiagnosticDescriptor UnsupportedReturn = Error("FOLIO105", Queries,
        "Unsupported return type",
        "'{0}' cannot return '{1}': {2}");

    public static readonly DiagnosticDescriptor QueryAndExecute = Error("FOLIO106", Queries,
        "Method has both [Query] and [Execute]",
        "'{0}' has both [Query] and [Execute]; keep one");

    public static readonly DiagnosticDescriptor BadSql = Error("FOLIO107", Queries,
        "SQL cannot be used as written",
        "The SQL of '{0}' cannot be used: {1}");

    public static readonly DiagnosticDescriptor NoStoreFactory = Error("FOLIO201", Storage,
        "Storage attribute has no usable store factory",
        "Storage attribute '{0}' on '{1}' has no usable store factory: {2}");

    /// <summary>Every descriptor by ID, for re-creating diagnostics from models.</summary>
    public static readonly ImmutableDictionary<string, DiagnosticDescriptor> ById = new Dictionary<string, DiagnosticDescriptor>
    {
        [InvalidPageSize.Id] = InvalidPageSize,
        [NotPartial.Id] = NotPartial,
        [NoStorage.Id] = NoStorage,
        [SeveralStorages.Id] = SeveralStorages,
        [BadPageStorageType.Id] = BadPageStorageType,
        [BadMigrationVersion.Id] = BadMigrationVersion,
        [UnsupportedClass.Id] = UnsupportedClass,
        [UnsafeRequired.Id] = UnsafeRequired,
        [DuplicateVfsName.Id] = DuplicateVfsName,
        [MethodNotPartial.Id] = MethodNotPartial,
        [UnknownSqlParameter.Id] = UnknownSqlParameter,
        [UnusedParameter.Id] = UnusedParameter,
        [UnsupportedParameter.Id] = UnsupportedParameter,
        [UnsupportedReturn.Id] = UnsupportedReturn,
        [QueryAndExecute.Id] = QueryAndExecute,
        [BadSql.Id] = BadSql,
        [NoStoreFactory.Id] = NoStoreFactory,
    }.ToImmutableDictionary();

    private static DiagnosticDescriptor Error(string id, string category, string title, string message) =>
        new(id, title, message, category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpRoot + id + ".md");

    private static DiagnosticDescriptor Warning(string id, string category, string title, string message) =>
        new(id, title, message, category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpRoot + id + ".md");
}
