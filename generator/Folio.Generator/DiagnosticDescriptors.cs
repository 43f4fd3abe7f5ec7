using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Folio.Generator;

/// <summary>
/// Every diagnostic Folio reports, in one place. IDs: FOLIO0xx for declarations, FOLIO1xx for
/// queries and SQL, FOLIO2xx for storage. Each has a page at <c>docs/rules/ID.md</c>.
/// </summary>
/// <remarks>
/// <para>
/// Who reports what, so that a problem is reported exactly once. The generator and the analyzer
/// (<c>FolioAnalyzer</c>, whose source is in <c>analyzers/Folio.Analyzers</c>) are one assembly and
/// run the same parser: this file, the <c>FolioGenerator.Parser*.cs</c> files, <c>SqlScanner.cs</c>,
/// <c>KnownSymbols.cs</c> and <c>Model/</c>. The split follows what each finding does:
/// </para>
/// <list type="bullet">
/// <item>An <b>error</b> makes the generator skip a class or a method, and the generator reports
/// it (FOLIO001–FOLIO008, FOLIO101, FOLIO102, FOLIO104–FOLIO106, FOLIO109, FOLIO201), as it does FOLIO009,
/// which only it can see (it compares the classes of a whole compilation). It has to: a skipped
/// typed method has no body, and a command-line build stops at that declaration error (CS8795)
/// before it runs any analyzer, though after it has printed what generators reported.</item>
/// <item>A <b>warning</b> skips nothing, and the analyzer reports it (FOLIO103, FOLIO107, FOLIO108),
/// live in the editor. The generator leaves warnings out.</item>
/// </list>
/// <para>
/// Code fixes (<c>Folio.Analyzers.CodeFixes</c>) attach to diagnostics from either. Both assemblies
/// ship in the Folio package; a project that references the generator project as an analyzer gets
/// the analyzer with it.
/// </para>
/// <para>
/// Retired or renumbered IDs stay listed here as comments and are never reused once released.
/// Before the first release: "both [Query] and [Execute]" (was FOLIO106) became a FOLIO101 case,
/// positional parameters (were FOLIO107) became FOLIO102, and an empty or multi-statement SQL
/// (was FOLIO107) became FOLIO106; FOLIO107 now flags an attribute that does not match its statement.
/// </para>
/// </remarks>
internal static class DiagnosticDescriptors
{
    private const string HelpRoot = SqlCheckRules.HelpRoot;
    private const string Declarations = "Folio.Declarations";
    private const string Queries = "Folio.Queries";
    private const string Storage = "Folio.Storage";

    /// <summary>Property of FOLIO001: the valid page sizes nearest the value, comma-separated, smaller first.</summary>
    public const string ValidSizesProperty = "ValidSizes";

    /// <summary>Property of FOLIO101: why the method cannot be generated (one of the <c>Reason*</c> values).</summary>
    public const string ReasonProperty = "Reason";

    /// <summary>FOLIO101 reason: the method is not declared partial.</summary>
    public const string ReasonNotPartial = "NotPartial";

    /// <summary>Property of FOLIO102: the SQL parameter's name without its prefix.</summary>
    public const string ParameterProperty = "Parameter";

    /// <summary>Property of FOLIO102: the method parameters the SQL does not use, comma-separated.</summary>
    public const string UnusedParametersProperty = "Unused";

    /// <summary>Property of FOLIO107: the attribute the statement calls for, <c>Query</c> or <c>Execute</c>.</summary>
    public const string ExpectedAttributeProperty = "Expected";

    public static readonly DiagnosticDescriptor InvalidPageSize = Error("FOLIO001", Declarations,
        "Invalid page size",
        "PageSize {0} of '{1}' is not a power of two from 512 to 65536; {2}");

    public static readonly DiagnosticDescriptor NotPartial = Error("FOLIO002", Declarations,
        "Database class must be partial",
        "'{0}' must be declared partial so Folio can add {1}");

    public static readonly DiagnosticDescriptor NoStorage = Error("FOLIO003", Declarations,
        "Database class has no storage attribute",
        "'{0}' has no storage attribute; add one such as [FileStorage], [MemoryStorage] or [PageStorage(typeof(MyStore))]");

    public static readonly DiagnosticDescriptor SeveralStorages = Error("FOLIO004", Declarations,
        "Database class has several storage attributes",
        "'{0}' has several storage attributes ({1}); keep exactly one");

    public static readonly DiagnosticDescriptor BadPageStorageType = Error("FOLIO005", Declarations,
        "PageStorage type cannot be used as a page store",
        "[PageStorage(typeof({0}))] on '{1}' cannot be used: {2}");

    public static readonly DiagnosticDescriptor BadMigrationVersion = Error("FOLIO006", Declarations,
        "Invalid migration",
        "Migration {0} of '{1}' is invalid: {2}");

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
        "Typed method cannot be generated",
        "'{0}' cannot get a generated body: {1}");

    public static readonly DiagnosticDescriptor UnknownSqlParameter = Error("FOLIO102", Queries,
        "SQL parameter matches no method parameter",
        "SQL parameter '{0}' of '{1}' matches no parameter of the method{2}");

    public static readonly DiagnosticDescriptor UnusedParameter = Warning("FOLIO103", Queries,
        "Method parameter not used by the SQL",
        "Parameter '{0}' of '{1}' is not used by its SQL (refer to it as ${0}, :{0} or @{0})");

    public static readonly DiagnosticDescriptor UnsupportedParameter = Error("FOLIO104", Queries,
        "Unsupported parameter",
        "Parameter '{0}' of '{1}' cannot be bound: {2}");

    public static readonly DiagnosticDescriptor UnsupportedReturn = Error("FOLIO105", Queries,
        "Unsupported return type",
        "'{0}' cannot return '{1}': {2}");

    public static readonly DiagnosticDescriptor NotOneStatement = Error("FOLIO106", Queries,
        "SQL must be exactly one statement",
        "The SQL of '{0}' {1}");

    public static readonly DiagnosticDescriptor AttributeMismatch = Warning("FOLIO107", Queries,
        "Attribute does not match the statement",
        "'{0}' is marked [{1}] but its statement {2}; mark it [{3}]");

    public static readonly DiagnosticDescriptor UnfilledProperty = Warning("FOLIO108", Queries,
        "Row property filled by no column",
        "Property '{0}' of '{1}' matches no column of '{2}' (columns: {3}); {4}");

    public static readonly DiagnosticDescriptor UnsupportedAsyncShape = Error("FOLIO109", Queries,
        "Unsupported async method shape",
        "'{0}' cannot be generated as an async method: {1}");

    public static readonly DiagnosticDescriptor SqlDoesNotPrepare = Error(SqlCheckRules.DoesNotPrepareId, Queries, SqlCheckRules.DoesNotPrepareTitle, SqlCheckRules.DoesNotPrepareMessage);

    public static readonly DiagnosticDescriptor SqlMemberWithoutColumn = Error(SqlCheckRules.MemberWithoutColumnId, Queries, SqlCheckRules.MemberWithoutColumnTitle, SqlCheckRules.MemberWithoutColumnMessage);

    public static readonly DiagnosticDescriptor SqlColumnWithoutMember = Warning(SqlCheckRules.ColumnWithoutMemberId, Queries, SqlCheckRules.ColumnWithoutMemberTitle, SqlCheckRules.ColumnWithoutMemberMessage);

    public static readonly DiagnosticDescriptor SqlUnboundParameter = Error(SqlCheckRules.UnboundParameterId, Queries, SqlCheckRules.UnboundParameterTitle, SqlCheckRules.UnboundParameterMessage);

    public static readonly DiagnosticDescriptor SqlTypeMismatch = Warning(SqlCheckRules.TypeMismatchId, Queries, SqlCheckRules.TypeMismatchTitle, SqlCheckRules.TypeMismatchMessage);

    public static readonly DiagnosticDescriptor SqlNullableColumn = Warning(SqlCheckRules.NullableColumnId, Queries, SqlCheckRules.NullableColumnTitle, SqlCheckRules.NullableColumnMessage);

    public static readonly DiagnosticDescriptor BadKeyProvider = Error("FOLIO202", Storage,
        "Storage attribute's key provider cannot be used",
        "KeyProvider = typeof({0}) on '{1}' cannot be used: {2}");

    public static readonly DiagnosticDescriptor NoStoreFactory = Error("FOLIO201", Storage,
        "Storage attribute has no usable store factory",
        "Storage attribute '{0}' on '{1}' has no usable store factory: {2}");

    /// <summary>Every descriptor, in ID order.</summary>
    public static readonly ImmutableArray<DiagnosticDescriptor> All = ImmutableArray.Create(
        InvalidPageSize, NotPartial, NoStorage, SeveralStorages, BadPageStorageType, BadMigrationVersion, UnsupportedClass, UnsafeRequired,
        DuplicateVfsName, MethodNotPartial, UnknownSqlParameter, UnusedParameter, UnsupportedParameter, UnsupportedReturn, NotOneStatement, AttributeMismatch,
        UnfilledProperty, UnsupportedAsyncShape, NoStoreFactory, BadKeyProvider);

    /// <summary>
    /// The build's SQL check's rules (FOLIO110–FOLIO115, see <see cref="SqlCheckRules"/>). Folio.SqlCheck
    /// reports them through MSBuild after the compile; they are descriptors here so that they are
    /// documented, numbered and tracked with the compiler's rules, and the analyzer lists them
    /// beside its own so that the IDE shows every rule; no compiler run reports them.
    /// </summary>
    public static readonly ImmutableArray<DiagnosticDescriptor> BuildChecks = ImmutableArray.Create(
        SqlDoesNotPrepare, SqlMemberWithoutColumn, SqlColumnWithoutMember, SqlUnboundParameter, SqlTypeMismatch, SqlNullableColumn);

    /// <summary>Every descriptor by ID.</summary>
    public static readonly ImmutableDictionary<string, DiagnosticDescriptor> ById = All.ToImmutableDictionary(d => d.Id);

    /// <summary>The valid page sizes nearest <paramref name="size"/>: both neighbours, or the one bound it lies beyond.</summary>
    public static IReadOnlyList<int> NearestValidPageSizes(int size)
    {
        if (size <= 512)
        {
            return new[] { 512 };
        }
        if (size >= 65536)
        {
            return new[] { 65536 };
        }
        var lower = 512;
        while (lower * 2 <= size)
        {
            lower *= 2;
        }
        return lower == size ? new[] { size } : new[] { lower, lower * 2 };
    }

    /// <summary>True for a power of two from 512 to 65536.</summary>
    public static bool IsValidPageSize(int size) => size >= 512 && size <= 65536 && (size & (size - 1)) == 0;

    private static DiagnosticDescriptor Error(string id, string category, string title, string message) =>
        new(id, title, message, category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpRoot + id + ".md");

    private static DiagnosticDescriptor Warning(string id, string category, string title, string message) =>
        new(id, title, message, category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpRoot + id + ".md");
}
