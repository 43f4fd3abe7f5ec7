using System.Collections.Generic;
using System.Linq;
using Folio.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Folio.Generator;

public sealed partial class FolioGenerator
{
    internal sealed partial class Parser
    {
        // The storage attribute decides the Open overloads. Any attribute deriving from
        // Folio.StorageAttribute counts; its [StoreFactory(typeof(F))] names the static class whose
        // public static methods ending in 'int pageSize' and returning a page store become overloads.
        // [PageStorage(typeof(T))] is the one built-in exception: it takes a store instance.
        private StorageSpec? ParseStorage(INamedTypeSymbol type, Location? location)
        {
            var storages = type.GetAttributes().Where(a => _known.DerivesFrom(a.AttributeClass, _known.StorageAttribute)).ToList();
            if (storages.Count == 0)
            {
                Report(DiagnosticDescriptors.NoStorage, location, type.Name);
                return null;
            }
            if (storages.Count > 1)
            {
                Report(DiagnosticDescriptors.SeveralStorages, Where(storages[1]) ?? location, type.Name,
                    string.Join(", ", storages.Select(s => "[" + AttributeShortName(s.AttributeClass!) + "]")));
                return null;
            }
            var storage = storages[0];
            var where = Where(storage) ?? location;
            if (!TryParseCodec(type, storage, where, out var codec))
            {
                return null;
            }
            var spec = ParseStores(type, storage, where);
            return spec is null || codec is null ? spec : spec with { Codec = codec };
        }

        // KeyProvider = typeof(T) and Compression = PageCompression.X on any storage attribute
        // become the page codec of the generated Open methods.
        private bool TryParseCodec(INamedTypeSymbol type, AttributeData storage, Location? where, out string? codec)
        {
            codec = null;
            string? compression = null;
            string? provider = null;
            foreach (var argument in storage.NamedArguments)
            {
                if (argument.Key == "Compression" && !argument.Value.IsNull && Expression(argument.Value) is { } value && !Equals(argument.Value.Value, 0))
                {
                    compression = value;
                }
                if (argument.Key != "KeyProvider" || argument.Value.IsNull)
                {
                    continue;
                }
                var providerType = argument.Value.Value as INamedTypeSymbol;
                if (providerType is { TypeKind: TypeKind.Error })
                {
                    return false; // the compiler already reports the unknown type
                }
                var problem = providerType switch
                {
                    null => "typeof(...) must name a class",
                    { IsUnboundGenericType: true } => "it is an open generic type; name its type arguments",
                    { IsStatic: true } or { IsAbstract: true } or { TypeKind: not TypeKind.Class } => "it must be a concrete class; a new one is made for each open",
                    _ when _known.PageKeyProvider is null || !providerType.AllInterfaces.Contains(_known.PageKeyProvider, SymbolEqualityComparer.Default)
                        => "it does not implement Folio.Storage.IPageKeyProvider",
                    _ when !providerType.InstanceConstructors.Any(c => c.Parameters.Length == 0 && c.DeclaredAccessibility == Accessibility.Public)
                        => "it has no public parameterless constructor",
                    _ => null,
                };
                if (problem is not null)
                {
                    Report(DiagnosticDescriptors.BadKeyProvider, where, providerType?.Name ?? "?", type.Name, problem);
                    return false;
                }
                provider = "new " + providerType!.ToDisplayString(TypeFormat) + "()";
            }
            if (compression is not null || provider is not null)
            {
                codec = $"global::Folio.Storage.PageCodec.Create({compression ?? "global::Folio.Storage.PageCompression.None"}, {provider ?? "null"})";
            }
            return true;
        }

        private StorageSpec? ParseStores(INamedTypeSymbol type, AttributeData storage, Location? where)
        {
            var attributeClass = storage.AttributeClass!;
            if (SymbolEqualityComparer.Default.Equals(attributeClass, _known.PageStorageAttribute))
            {
                return ParsePageStorage(type, storage, where);
            }

            var factoryAttribute = attributeClass.GetAttributes()
                .FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, _known.StoreFactoryAttribute));
            if (factoryAttribute is null || factoryAttribute.ConstructorArguments.Length != 1 || factoryAttribute.ConstructorArguments[0].Value is not INamedTypeSymbol factory)
            {
                Report(DiagnosticDescriptors.NoStoreFactory, where, attributeClass.Name, type.Name,
                    $"{attributeClass.Name} has no [StoreFactory(typeof(...))] attribute");
                return null;
            }

            var opens = new List<OpenSpec>();
            var storeTypes = new List<ITypeSymbol>();
            foreach (var method in factory.GetMembers().OfType<IMethodSymbol>().OrderBy(m => m.Name, System.StringComparer.Ordinal).ThenBy(m => m.Parameters.Length))
            {
                if (method.MethodKind != MethodKind.Ordinary || !method.IsStatic || method.DeclaredAccessibility != Accessibility.Public
                    || method.IsGenericMethod || method.Parameters.Length == 0 || !_known.IsPageStore(method.ReturnType))
                {
                    continue;
                }
                var last = method.Parameters[method.Parameters.Length - 1];
                if (last.Name != "pageSize" || last.Type.SpecialType != SpecialType.System_Int32
                    || method.Parameters.Any(p => p.RefKind != RefKind.None))
                {
                    continue;
                }
                storeTypes.Add(method.ReturnType);
                var target = factory.ToDisplayString(TypeFormat) + "." + method.Name;
                var parameters = method.Parameters.Take(method.Parameters.Length - 1).ToList();
                opens.Add(new OpenSpec(OpenKind.Factory, target,
                    parameters.Select(p => new OpenArgumentSpec(Identifier(p.Name), p.Type.ToDisplayString(TypeFormat), null)).ToEquatableArray()));

                // Attribute properties set where it is used fix the factory parameters of the same name.
                var fixedArguments = parameters.Select(p => new OpenArgumentSpec(Identifier(p.Name), p.Type.ToDisplayString(TypeFormat), FixedValue(storage, p))).ToList();
                if (fixedArguments.Any(a => a.FixedValue is not null))
                {
                    opens.Add(new OpenSpec(OpenKind.Factory, target, fixedArguments.ToEquatableArray()));
                }
            }
            if (opens.Count == 0)
            {
                Report(DiagnosticDescriptors.NoStoreFactory, where, attributeClass.Name, type.Name,
                    $"{factory.Name} has no public static method whose last parameter is 'int pageSize' and whose return type implements Folio.Storage.IPageStore");
                return null;
            }

            // One VFS per class: specialised for the factories' store type when they agree on one.
            var distinct = storeTypes.Distinct(SymbolEqualityComparer.Default).ToList();
            var storeType = distinct.Count == 1 ? distinct[0]!.ToDisplayString(TypeFormat) : _known.PageStore!.ToDisplayString(TypeFormat);
            return new StorageSpec(attributeClass.Name, storeType, Deduplicate(opens).ToEquatableArray());
        }

        private StorageSpec? ParsePageStorage(INamedTypeSymbol type, AttributeData storage, Location? where)
        {
            var storeType = storage.ConstructorArguments.Length == 1 ? storage.ConstructorArguments[0].Value as INamedTypeSymbol : null;
            var problem = storeType switch
            {
                null => "typeof(...) must name a class or interface",
                { IsUnboundGenericType: true } => "it is an open generic type; name its type arguments",
                { IsStatic: true } => "it is a static class; a store is an instance",
                { IsValueType: true } => "it is a value type; a store must be a class or interface (the VFS keeps a reference to it)",
                _ when !_known.IsPageStore(storeType) => "it does not implement Folio.Storage.IPageStore",
                _ when !IsVisibleTo(storeType, type) => $"it is less accessible than '{type.Name}', whose generated Open({storeType.Name} store) takes it",
                _ => null,
            };
            if (storeType is { TypeKind: TypeKind.Error })
            {
                return null; // the compiler already reports the unknown type
            }
            if (problem is not null || storeType is null)
            {
                Report(DiagnosticDescriptors.BadPageStorageType, where, storeType?.Name ?? "?", type.Name, problem ?? "typeof(...) must name a class or interface");
                return null;
            }
            var display = storeType.ToDisplayString(TypeFormat);
            var opens = new List<OpenSpec>();
            if (!SymbolEqualityComparer.Default.Equals(storeType, _known.PageStore))
            {
                // Open(IPageStore) exists for every class; a narrower store type gets its own overload.
                opens.Add(new OpenSpec(OpenKind.StoreInstance, null, new[] { new OpenArgumentSpec("store", display, null) }.ToEquatableArray()));
            }
            var hasDefaultConstructor = storeType.TypeKind == TypeKind.Class && !storeType.IsAbstract
                && storeType.InstanceConstructors.Any(c => c.Parameters.Length == 0 && c.DeclaredAccessibility == Accessibility.Public);
            if (hasDefaultConstructor)
            {
                opens.Add(new OpenSpec(OpenKind.NewStore, null, EquatableArray<OpenArgumentSpec>.Empty));
            }
            return new StorageSpec(storage.AttributeClass!.Name, display, opens.ToEquatableArray());
        }

        /// <summary>
        /// True when every type <paramref name="store"/> is nested in is at least as visible as
        /// <paramref name="database"/>: public generated members may then mention it.
        /// </summary>
        private static bool IsVisibleTo(INamedTypeSymbol store, INamedTypeSymbol database)
        {
            var databaseIsPublic = true;
            for (var t = database; t is not null; t = t.ContainingType)
            {
                databaseIsPublic &= t.DeclaredAccessibility == Accessibility.Public;
            }
            for (ITypeSymbol? t = store; t is not null; t = t.ContainingType)
            {
                var ok = t.DeclaredAccessibility switch
                {
                    Accessibility.Public => true,
                    Accessibility.Internal => !databaseIsPublic,
                    _ => false,
                };
                if (!ok)
                {
                    return false;
                }
            }
            return true;
        }

        private static string AttributeShortName(INamedTypeSymbol attribute) =>
            attribute.Name.EndsWith("Attribute", System.StringComparison.Ordinal) ? attribute.Name.Substring(0, attribute.Name.Length - "Attribute".Length) : attribute.Name;

        private static string? FixedValue(AttributeData storage, IParameterSymbol parameter)
        {
            foreach (var argument in storage.NamedArguments)
            {
                if (!string.Equals(argument.Key, parameter.Name, System.StringComparison.OrdinalIgnoreCase) || argument.Value.IsNull)
                {
                    continue;
                }
                return Expression(argument.Value);
            }
            return null;
        }

        /// <summary>
        /// An attribute argument as a C# expression of its own type, whatever the build's culture:
        /// Roslyn's literal formatting plus the suffix that keeps the type (<c>1.5F</c>, <c>5L</c>),
        /// named constants for non-finite floating-point values, and enums as their member
        /// (<c>global::E.Fast</c>) or a cast of their value (<c>(global::E)(-3)</c>). Null for arrays.
        /// </summary>
        private static string? Expression(TypedConstant constant)
        {
            if (constant.IsNull || constant.Value is null)
            {
                return constant.Kind == TypedConstantKind.Array ? null : "null";
            }
            if (constant.Kind == TypedConstantKind.Enum && constant.Type is INamedTypeSymbol enumType)
            {
                var type = enumType.ToDisplayString(TypeFormat);
                var members = enumType.GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue && Equals(f.ConstantValue, constant.Value)).ToList();
                return members.Count == 1 ? type + "." + Identifier(members[0].Name) : $"({type})({Primitive(constant.Value)})";
            }
            return constant.Kind == TypedConstantKind.Primitive ? Primitive(constant.Value) : null;
        }

        private static string Primitive(object value)
        {
            var text = SymbolDisplay.FormatPrimitive(value, quoteStrings: true, useHexadecimalNumbers: false);
            return value switch
            {
                float f when float.IsNaN(f) => "float.NaN",
                float f when float.IsInfinity(f) => f > 0 ? "float.PositiveInfinity" : "float.NegativeInfinity",
                double d when double.IsNaN(d) => "double.NaN",
                double d when double.IsInfinity(d) => d > 0 ? "double.PositiveInfinity" : "double.NegativeInfinity",
                float => text + "F",
                double => text + "D",
                decimal => text + "M",
                long => text + "L",
                ulong => text + "UL",
                uint => text + "U",
                _ => text, // string, char, bool, int; smaller integers convert from an int constant
            };
        }

        // Two factory methods (or a fixed-argument variant) may end up with the same parameter
        // types; C# allows one overload per signature, so the first one wins.
        // Two overloads with one signature: an overload with arguments the attribute fixed wins
        // over a general one (the attribute says what its class wants, e.g. [RedisStorage(Owned =
        // true)] makes Open(redis, database) open owned), else the first; the order is kept.
        private static IEnumerable<OpenSpec> Deduplicate(List<OpenSpec> opens)
        {
            static string Signature(OpenSpec open) => string.Join(",", open.Arguments.Where(a => a.FixedValue is null).Select(a => a.Type));
            var winners = new Dictionary<string, OpenSpec>();
            foreach (var open in opens.Where(o => o.Arguments.Any(a => a.FixedValue is not null)).Concat(opens))
            {
                var signature = Signature(open);
                if (signature != "global::Folio.Storage.IPageStore" && !winners.ContainsKey(signature))
                {
                    winners[signature] = open;
                }
            }
            return opens.Where(o => winners.TryGetValue(Signature(o), out var winner) && ReferenceEquals(winner, o));
        }
    }
}
