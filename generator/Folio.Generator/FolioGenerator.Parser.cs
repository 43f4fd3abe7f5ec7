using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Folio.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Folio.Generator;

public sealed partial class FolioGenerator
{
    /// <summary>
    /// Turns a <c>[PagedDatabase]</c> class's symbols into a <see cref="DatabaseSpec"/> plus the
    /// diagnostics explaining anything it had to skip. It knows nothing of the pipeline or of text
    /// output, so Folio's analyzer, compiled into the same assembly, runs it too and reports the same findings.
    /// </summary>
    internal sealed partial class Parser
    {
        /// <summary>Types as written in generated code: fully qualified, keywords for special types, nullable annotations kept.</summary>
        internal static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
            .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier | SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

        private readonly KnownSymbols _known;

        public Parser(KnownSymbols known)
        {
            _known = known;
        }

        /// <summary>What the parse found wrong, in the order found, as diagnostics with source locations.</summary>
        public List<Diagnostic> Diagnostics { get; } = new();

        /// <summary>The same findings as <see cref="Diagnostics"/>, as equatable models holding no Roslyn object.</summary>
        public List<DiagnosticInfo> Findings { get; } = new();

        /// <summary>Where each migration's and typed method's SQL is written, for the build's SQL check (see <see cref="SqlSite"/>).</summary>
        public List<SqlSite> Sites { get; } = new();

        /// <summary>The class's model, or null when a diagnostic explains why no code can be written for it.</summary>
        public DatabaseSpec? ParseDatabase(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            var name = type.Name;
            var location = type.Locations.FirstOrDefault();
            if (!CheckDeclaration(type, location))
            {
                return null;
            }

            var attribute = type.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, _known.PagedDatabaseAttribute));
            var pageSize = 4096;
            string? vfsName = null;
            if (attribute is not null)
            {
                foreach (var argument in attribute.NamedArguments)
                {
                    if (argument.Key == "PageSize" && argument.Value.Value is int size)
                    {
                        pageSize = size;
                    }
                    else if (argument.Key == "Name" && argument.Value.Value is string text && text.Length > 0)
                    {
                        vfsName = text;
                    }
                }
            }
            var valid = true;
            if (!DiagnosticDescriptors.IsValidPageSize(pageSize))
            {
                var nearest = DiagnosticDescriptors.NearestValidPageSizes(pageSize)
                    .Select(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
                var advice = nearest.Count == 1 ? $"the nearest valid size is {nearest[0]}" : $"nearest valid sizes are {nearest[0]} and {nearest[1]}";
                Report(DiagnosticDescriptors.InvalidPageSize, NamedArgumentLocation(attribute, "PageSize") ?? location,
                    Properties(DiagnosticDescriptors.ValidSizesProperty, string.Join(",", nearest)),
                    pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture), name, advice);
                valid = false;
            }

            var storage = ParseStorage(type, location);
            var migrations = ParseMigrations(type, location);
            cancellationToken.ThrowIfCancellationRequested();
            var methods = ParseMethods(type, cancellationToken);
            if (!valid || storage is null || migrations is null)
            {
                return null;
            }

            var (ns, containing, fullName) = Place(type);
            return new DatabaseSpec(ns, containing, Keyword(type), name, fullName, vfsName ?? "folio:" + fullName,
                pageSize, storage, migrations.ToEquatableArray(), methods.ToEquatableArray());
        }

        /// <summary>
        /// The model of a class marked <c>[VfsThunks(typeof(PagedVfs&lt;TStore, TPageSize&gt;))]</c>,
        /// or null when the attribute names no type. Only the runtime uses it, for its general VFS,
        /// so that it gets its thunks from the same emitter as every database class.
        /// </summary>
        internal static VfsSpec? ParseVfsThunks(INamedTypeSymbol type, AttributeData attribute)
        {
            if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not INamedTypeSymbol implementation)
            {
                return null;
            }
            var (ns, containing, fullName) = Place(type);
            return new VfsSpec(ns, containing, Keyword(type), type.Name, fullName, implementation.ToDisplayString(TypeFormat));
        }

        /// <summary>Where a class is declared: its namespace, the types around it and its dotted full name.</summary>
        private static (string? Namespace, EquatableArray<ContainingTypeSpec> Containing, string FullName) Place(INamedTypeSymbol type)
        {
            var containing = new List<ContainingTypeSpec>();
            for (var t = type.ContainingType; t is not null; t = t.ContainingType)
            {
                containing.Insert(0, new ContainingTypeSpec(Keyword(t), t.Name));
            }
            var ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : null;
            var fullName = string.Join(".", new[] { ns }.Concat(containing.Select(c => c.Name)).Concat(new[] { type.Name }).Where(s => s is not null));
            return (ns, containing.ToEquatableArray(), fullName);
        }

        private bool CheckDeclaration(INamedTypeSymbol type, Location? location)
        {
            if (type.IsStatic || type.IsAbstract || type.TypeKind != TypeKind.Class)
            {
                Report(DiagnosticDescriptors.UnsupportedClass, location, type.Name, "it must be a non-static, non-abstract class");
                return false;
            }
            if (type.TypeParameters.Length > 0) // its own type parameters; a containing generic type is reported below
            {
                Report(DiagnosticDescriptors.UnsupportedClass, location, type.Name, "it must not be generic ([UnmanagedCallersOnly] VFS entry points cannot live in generic types)");
                return false;
            }
            var ok = true;
            for (var t = type; t is not null; t = t.ContainingType)
            {
                if (!SymbolEqualityComparer.Default.Equals(t, type) && t.IsGenericType)
                {
                    Report(DiagnosticDescriptors.UnsupportedClass, location, type.Name, $"it must not be nested in generic type '{t.Name}' ([UnmanagedCallersOnly] VFS entry points cannot live in generic types)");
                    return false;
                }
                if (!IsPartial(t))
                {
                    Report(DiagnosticDescriptors.NotPartial, t.Locations.FirstOrDefault(), t.Name,
                        SymbolEqualityComparer.Default.Equals(t, type)
                            ? "its VFS, Open methods and typed methods"
                            : $"the generated members of the database class '{type.Name}' nested in it");
                    ok = false;
                }
            }
            return ok;
        }

        private static bool IsPartial(INamedTypeSymbol type) =>
            type.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is TypeDeclarationSyntax d && d.Modifiers.Any(SyntaxKind.PartialKeyword));

        private static string Keyword(INamedTypeSymbol type) => type switch
        {
            { IsRecord: true, IsValueType: true } => "record struct",
            { IsRecord: true } => "record",
            { TypeKind: TypeKind.Struct } => "struct",
            { TypeKind: TypeKind.Interface } => "interface",
            _ => "class",
        };

        private List<MigrationSpec>? ParseMigrations(INamedTypeSymbol type, Location? location)
        {
            var migrations = new List<MigrationSpec>();
            var where = new Dictionary<int, Location?>();
            var ok = true;
            foreach (var attribute in type.GetAttributes())
            {
                if (!SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, _known.MigrationAttribute)
                    || attribute.ConstructorArguments.Length != 2
                    || attribute.ConstructorArguments[0].Value is not int version)
                {
                    continue;
                }
                var sql = attribute.ConstructorArguments[1].Value as string ?? "";
                var at = Where(attribute) ?? location;
                if (version <= 0)
                {
                    Report(DiagnosticDescriptors.BadMigrationVersion, at, Text(version), type.Name, "versions must be positive");
                    ok = false;
                    continue;
                }
                if (where.ContainsKey(version))
                {
                    Report(DiagnosticDescriptors.BadMigrationVersion, at, Text(version), type.Name, $"another migration has version {Text(version)}");
                    ok = false;
                    continue;
                }
                where[version] = at;
                AddSite(SqlSite.MigrationKey(version), SecondArgumentLocation(attribute) ?? at);
                if (string.IsNullOrWhiteSpace(sql))
                {
                    Report(DiagnosticDescriptors.BadMigrationVersion, at, Text(version), type.Name, "its SQL is empty");
                    ok = false;
                }
                migrations.Add(new MigrationSpec(version, sql));
            }

            // Versions count 1, 2, 3…: a database at user_version N has run exactly the steps up to N,
            // so a gap or a later start would leave a version that no step brings the database to.
            var expected = 1;
            foreach (var version in where.Keys.OrderBy(v => v))
            {
                if (version != expected)
                {
                    var missing = version - 1 == expected ? $"version {Text(expected)} is missing" : $"versions {Text(expected)} to {Text(version - 1)} are missing";
                    Report(DiagnosticDescriptors.BadMigrationVersion, where[version], Text(version), type.Name,
                        $"versions must count up from 1 without gaps, and {missing}");
                    ok = false;
                }
                expected = version + 1;
            }
            return ok ? migrations.OrderBy(m => m.Version).ToList() : null;
        }

        private static string Text(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

        private static Location? Where(AttributeData? attribute) => attribute?.ApplicationSyntaxReference?.GetSyntax().GetLocation();

        /// <summary>Where the named argument <paramref name="name"/> of <paramref name="attribute"/> is written, if it is.</summary>
        private static Location? NamedArgumentLocation(AttributeData? attribute, string name) =>
            (attribute?.ApplicationSyntaxReference?.GetSyntax() as AttributeSyntax)?.ArgumentList?.Arguments
                .FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name)?.Expression.GetLocation();

        /// <summary>Where the first constructor argument of <paramref name="attribute"/> (a SQL text) is written, if it is.</summary>
        private static Location? FirstArgumentLocation(AttributeData? attribute) =>
            (attribute?.ApplicationSyntaxReference?.GetSyntax() as AttributeSyntax)?.ArgumentList?.Arguments
                .FirstOrDefault(a => a.NameEquals is null && a.NameColon is null)?.Expression.GetLocation();

        /// <summary>Where the second positional argument of <paramref name="attribute"/> (a migration's SQL) is written, if it is.</summary>
        private static Location? SecondArgumentLocation(AttributeData? attribute) =>
            (attribute?.ApplicationSyntaxReference?.GetSyntax() as AttributeSyntax)?.ArgumentList?.Arguments
                .Where(a => a.NameEquals is null && a.NameColon is null).Skip(1).FirstOrDefault()?.Expression.GetLocation();

        /// <summary>Records where the SQL known by <paramref name="key"/> starts (1-based line and column).</summary>
        private void AddSite(string key, Location? location, bool columnsReported = false, bool noRowsReported = false)
        {
            if (location is { IsInSource: true })
            {
                var span = location.GetMappedLineSpan();
                Sites.Add(new SqlSite(key, span.Path, span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1, columnsReported, noRowsReported));
            }
        }

        /// <summary>Where the name of <paramref name="attribute"/> is written, e.g. <c>Query</c> in <c>[Query("…")]</c>.</summary>
        private static Location? AttributeNameLocation(AttributeData? attribute) =>
            (attribute?.ApplicationSyntaxReference?.GetSyntax() as AttributeSyntax)?.Name.GetLocation();

        private static ImmutableDictionary<string, string?> Properties(string key, string value) =>
            ImmutableDictionary<string, string?>.Empty.Add(key, value);

        private void Report(DiagnosticDescriptor descriptor, Location? location, params string[] arguments) =>
            Report(descriptor, location, null, arguments);

        private void Report(DiagnosticDescriptor descriptor, Location? location, ImmutableDictionary<string, string?>? properties, params string[] arguments)
        {
            Diagnostics.Add(Diagnostic.Create(descriptor, location ?? Location.None, properties, arguments));
            Findings.Add(ToInfo(descriptor, location, properties, arguments));
        }

        internal static DiagnosticInfo ToInfo(DiagnosticDescriptor descriptor, Location? location, ImmutableDictionary<string, string?>? properties, params string[] arguments)
        {
            var where = location is { IsInSource: true } ? new LocationInfo(location.SourceTree?.FilePath ?? "", location.SourceSpan.Start, location.SourceSpan.Length) : null;
            var pairs = (properties ?? ImmutableDictionary<string, string?>.Empty)
                .OrderBy(p => p.Key, System.StringComparer.Ordinal)
                .SelectMany(p => new[] { p.Key, p.Value ?? "" });
            return new DiagnosticInfo(descriptor.Id, arguments.ToEquatableArray(), where, pairs.ToEquatableArray());
        }

        /// <summary>
        /// FOLIO101 for a method marked <c>[<paramref name="attribute"/>]</c> outside a
        /// <c>[PagedDatabase]</c> class (the parser only looks inside those), or null when it is in one.
        /// </summary>
        internal static DiagnosticInfo? CheckStrayMethod(IMethodSymbol method, string attribute)
        {
            var type = method.ContainingType;
            if (type is null || (type.TypeKind == TypeKind.Class
                && type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == KnownSymbols.PagedDatabaseAttributeName)))
            {
                return null;
            }
            return ToInfo(DiagnosticDescriptors.MethodNotPartial, method.Locations.FirstOrDefault(), null,
                type.Name + "." + method.Name, $"[{attribute}] methods belong to a [PagedDatabase] class, and '{type.Name}' is not one");
        }

        /// <summary>A name as an identifier in C# source: keywords get an <c>@</c>.</summary>
        internal static string Identifier(string name) =>
            SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;
    }
}
