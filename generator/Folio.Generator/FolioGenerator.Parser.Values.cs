using System.Collections.Generic;
using System.Linq;
using Folio.Generator.Model;
using Microsoft.CodeAnalysis;

namespace Folio.Generator;

public sealed partial class FolioGenerator
{
    internal sealed partial class Parser
    {
        /// <summary>The supported value type behind <paramref name="type"/>, or null with the reason in <paramref name="why"/>.</summary>
        private ValueSpec? ValueOf(ITypeSymbol type, out string why)
        {
            why = "";
            var nullable = IsNullable(type, out var underlying);
            var kind = KindOf(underlying);
            if (kind is null)
            {
                why = $"'{type.ToDisplayString(TypeFormat)}' is not a supported type (integers, bool, double, float, decimal, string, byte[], ReadOnlyMemory<byte>, Guid, DateTime, DateTimeOffset, DateOnly, TimeOnly, enums and their nullable forms)";
                return null;
            }
            var nonNullable = underlying.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(TypeFormat);
            return new ValueSpec(kind.Value, nullable, type.ToDisplayString(TypeFormat), nonNullable);
        }

        /// <summary>
        /// True for <c>Nullable&lt;T&gt;</c> and for reference types annotated <c>?</c> (or written
        /// where nullable annotations are off, where SQL NULL must stay readable).
        /// </summary>
        private static bool IsNullable(ITypeSymbol type, out ITypeSymbol underlying)
        {
            if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
            {
                underlying = nullable.TypeArguments[0];
                return true;
            }
            underlying = type;
            return type.IsReferenceType && type.NullableAnnotation != NullableAnnotation.NotAnnotated;
        }

        private ValueKind? KindOf(ITypeSymbol type)
        {
            switch (type.SpecialType)
            {
                case SpecialType.System_Int64: return ValueKind.Int64;
                case SpecialType.System_Int32: return ValueKind.Int32;
                case SpecialType.System_Int16: return ValueKind.Int16;
                case SpecialType.System_Byte: return ValueKind.Byte;
                case SpecialType.System_Boolean: return ValueKind.Boolean;
                case SpecialType.System_Double: return ValueKind.Double;
                case SpecialType.System_Single: return ValueKind.Single;
                case SpecialType.System_Decimal: return ValueKind.Decimal;
                case SpecialType.System_String: return ValueKind.String;
                case SpecialType.System_DateTime: return ValueKind.DateTime;
            }
            if (type is IArrayTypeSymbol { Rank: 1, ElementType.SpecialType: SpecialType.System_Byte })
            {
                return ValueKind.ByteArray;
            }
            if (type is INamedTypeSymbol { TypeArguments.Length: 1 } memory && KnownSymbols.Is(memory, _known.ReadOnlyMemory)
                && memory.TypeArguments[0].SpecialType == SpecialType.System_Byte)
            {
                return ValueKind.ReadOnlyMemory;
            }
            if (type.TypeKind == TypeKind.Enum)
            {
                return ValueKind.Enum;
            }
            return KnownSymbols.Is(type, _known.Guid) ? ValueKind.Guid
                : KnownSymbols.Is(type, _known.DateTimeOffset) ? ValueKind.DateTimeOffset
                : KnownSymbols.Is(type, _known.DateOnly) ? ValueKind.DateOnly
                : KnownSymbols.Is(type, _known.TimeOnly) ? ValueKind.TimeOnly
                : null;
        }

        /// <summary>
        /// How one row becomes a <paramref name="type"/>: a scalar, a tuple, or an object built from
        /// named columns. When the statement's <paramref name="columns"/> are known, an object's
        /// settable properties none of them fills are added to <paramref name="unfilled"/>.
        /// </summary>
        private RowSpec? RowOf(ITypeSymbol type, List<string>? columns, List<IPropertySymbol> unfilled, out string why)
        {
            var display = type.ToDisplayString(TypeFormat);
            var scalar = ValueOf(type, out why);
            if (scalar is not null)
            {
                return new RowSpec(RowKind.Scalar, display, new[] { new RowMemberSpec("value", scalar) }.ToEquatableArray(), EquatableArray<RowMemberSpec>.Empty);
            }
            if (type is INamedTypeSymbol { IsTupleType: true } tuple)
            {
                var elements = new List<RowMemberSpec>();
                foreach (var element in tuple.TupleElements)
                {
                    var value = ValueOf(element.Type, out var elementWhy);
                    if (value is null)
                    {
                        why = $"tuple element '{element.Name}': {elementWhy}";
                        return null;
                    }
                    elements.Add(new RowMemberSpec(element.Name, value));
                }
                return new RowSpec(RowKind.Tuple, display, elements.ToEquatableArray(), EquatableArray<RowMemberSpec>.Empty);
            }
            if (type is not INamedTypeSymbol named || named.TypeKind is not (TypeKind.Class or TypeKind.Struct) || named.IsAbstract || named.IsStatic
                || named.ContainingNamespace?.ToDisplayString().StartsWith("System", System.StringComparison.Ordinal) == true)
            {
                why = $"'{display}' is neither a supported value type, a tuple, nor a concrete class, record or struct of the application (collections are List<T>, IReadOnlyList<T> or IEnumerable<T>)";
                return null;
            }
            // new T?(…) is not C#: an object row is built as its non-nullable type.
            return ObjectRow(named, named.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(TypeFormat), columns, unfilled, out why);
        }

        // Columns fill the constructor with the most parameters, then the settable properties it
        // does not cover. Names match ignoring case and underscores (created_at ↔ CreatedAt); the
        // runtime resolves them against the statement's columns when it is first prepared.
        // A property no known column fills is left out, so it keeps its default value, unless it is
        // required: C# makes the reader set it, and the runtime then reports the missing column.
        private RowSpec? ObjectRow(INamedTypeSymbol type, string display, List<string>? columns, List<IPropertySymbol> unfilled, out string why)
        {
            var columnKeys = columns is null ? null : new HashSet<string>(columns.Select(NameKey));
            why = "";
            var constructor = type.InstanceConstructors
                .Where(c => c.DeclaredAccessibility is Microsoft.CodeAnalysis.Accessibility.Public or Microsoft.CodeAnalysis.Accessibility.Internal)
                .Where(c => !(c.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(c.Parameters[0].Type, type))) // a record's copy constructor
                .OrderByDescending(c => c.Parameters.Length)
                .FirstOrDefault();
            if (constructor is null)
            {
                why = $"'{display}' has no public constructor";
                return null;
            }
            var arguments = new List<RowMemberSpec>();
            var covered = new HashSet<string>();
            foreach (var parameter in constructor.Parameters)
            {
                var value = ValueOf(parameter.Type, out var parameterWhy);
                if (value is null)
                {
                    why = $"constructor parameter '{parameter.Name}' of '{type.Name}': {parameterWhy}";
                    return null;
                }
                arguments.Add(new RowMemberSpec(parameter.Name, value));
                covered.Add(NameKey(parameter.Name));
            }
            var initializers = new List<RowMemberSpec>();
            var settable = 0;
            var seen = new HashSet<string>();
            for (var t = type; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
            {
                foreach (var property in t.GetMembers().OfType<IPropertySymbol>())
                {
                    if (property.IsStatic || property.IsIndexer || property.SetMethod is null
                        || property.SetMethod.DeclaredAccessibility is not (Microsoft.CodeAnalysis.Accessibility.Public or Microsoft.CodeAnalysis.Accessibility.Internal)
                        || !seen.Add(property.Name) || covered.Contains(NameKey(property.Name)))
                    {
                        continue;
                    }
                    var value = ValueOf(property.Type, out var propertyWhy);
                    if (value is null)
                    {
                        if (property.IsRequired)
                        {
                            why = $"required property '{property.Name}' of '{type.Name}': {propertyWhy}";
                            return null;
                        }
                        continue; // not a column: left alone
                    }
                    settable++;
                    if (columnKeys is not null && !columnKeys.Contains(NameKey(property.Name)))
                    {
                        unfilled.Add(property);
                        if (!property.IsRequired)
                        {
                            continue;
                        }
                    }
                    initializers.Add(new RowMemberSpec(Identifier(property.Name), value));
                }
            }
            if (arguments.Count + settable == 0)
            {
                why = $"'{display}' has no constructor parameters or settable properties to fill from columns";
                return null;
            }
            return new RowSpec(RowKind.Object, display, arguments.ToEquatableArray(), initializers.ToEquatableArray());
        }

        /// <summary>The key names match by, as the runtime computes it: letters and digits, lower-cased.</summary>
        internal static string NameKey(string name) => new string(name.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
    }
}
