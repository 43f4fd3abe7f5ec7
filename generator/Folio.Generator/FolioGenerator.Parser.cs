using System.Collections.Generic;
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
    /// output, so Folio's analyzers link this file and report the same findings.
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

        /// <summary>What the parse found wrong, in source order.</summary>
        public List<DiagnosticInfo> Diagnostics { get; } = new();

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
            if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) != 0)
            {
                Report(DiagnosticDescriptors.InvalidPageSize, Where(attribute) ?? location, pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture), name);
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

            var containing = new List<ContainingTypeSpec>();
            for (var t = type.ContainingType; t is not null; t = t.ContainingType)
            {
                containing.Insert(0, new ContainingTypeSpec(Keyword(t), t.Name));
            }
            var ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : null;
            var fullName = string.Join(".", new[] { ns }.Concat(containing.Select(c => c.Name)).Concat(new[] { name }).Where(s => s is not null));
            return new DatabaseSpec(ns, containing.ToEquatableArray(), Keyword(type), name, fullName, vfsName ?? "folio:" + fullName,
                pageSize, storage, migrations.ToEquatableArray(), methods.ToEquatableArray());
        }

        private bool CheckDeclaration(INamedTypeSymbol type, Location? location)
        {
            if (type.IsStatic || type.IsAbstract || type.TypeKind != TypeKind.Class)
            {
                Report(DiagnosticDescriptors.UnsupportedClass, location, type.Name, "it must be a non-static, non-abstract class");
                return false;
            }
            if (type.IsGenericType)
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
                    Report(DiagnosticDescriptors.NotPartial, t.Locations.FirstOrDefault(), t.Name);
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
            var seen = new HashSet<int>();
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
                var where = Where(attribute) ?? location;
                var versionText = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (version <= 0)
                {
                    Report(DiagnosticDescriptors.BadMigrationVersion, where, versionText, type.Name, "versions must be positive");
                    ok = false;
                }
                else if (!seen.Add(version))
                {
                    Report(DiagnosticDescriptors.BadMigrationVersion, where, versionText, type.Name, "another migration has the same version");
                    ok = false;
                }
                else if (string.IsNullOrWhiteSpace(sql))
                {
                    Report(DiagnosticDescriptors.BadMigrationVersion, where, versionText, type.Name, "its SQL is empty");
                    ok = false;
                }
                migrations.Add(new MigrationSpec(version, sql));
            }
            return ok ? migrations.OrderBy(m => m.Version).ToList() : null;
        }

        private static Location? Where(AttributeData? attribute) => attribute?.ApplicationSyntaxReference?.GetSyntax().GetLocation();

        private void Report(DiagnosticDescriptor descriptor, Location? location, params string[] arguments) =>
            Diagnostics.Add(new DiagnosticInfo(descriptor.Id, arguments.ToEquatableArray(), ToInfo(location)));

        internal static LocationInfo? ToInfo(Location? location)
        {
            if (location is null || !location.IsInSource)
            {
                return null;
            }
            var lines = location.GetLineSpan();
            return new LocationInfo(location.SourceTree?.FilePath ?? "", location.SourceSpan.Start, location.SourceSpan.Length,
                lines.StartLinePosition.Line, lines.StartLinePosition.Character, lines.EndLinePosition.Line, lines.EndLinePosition.Character);
        }

        /// <summary>A name as an identifier in C# source: keywords get an <c>@</c>.</summary>
        internal static string Identifier(string name) =>
            SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;
    }
}
