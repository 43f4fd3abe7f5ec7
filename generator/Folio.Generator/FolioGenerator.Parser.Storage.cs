using System.Collections.Generic;
using System.Globalization;
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
                    string.Join(", ", storages.Select(s => s.AttributeClass!.Name)));
                return null;
            }
            var storage = storages[0];
            var attributeClass = storage.AttributeClass!;
            var where = Where(storage) ?? location;
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
            if (storeType is null || storeType.IsValueType || storeType.IsStatic || !_known.IsPageStore(storeType) || storeType.IsUnboundGenericType)
            {
                Report(DiagnosticDescriptors.BadPageStorageType, where, storeType?.Name ?? "?", type.Name);
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

        private static string? FixedValue(AttributeData storage, IParameterSymbol parameter)
        {
            foreach (var argument in storage.NamedArguments)
            {
                if (!string.Equals(argument.Key, parameter.Name, System.StringComparison.OrdinalIgnoreCase) || argument.Value.IsNull)
                {
                    continue;
                }
                return argument.Value.Kind switch
                {
                    TypedConstantKind.Primitive when argument.Value.Value is string text => SymbolDisplay.FormatLiteral(text, quote: true),
                    TypedConstantKind.Primitive when argument.Value.Value is bool flag => flag ? "true" : "false",
                    TypedConstantKind.Primitive => System.Convert.ToString(argument.Value.Value, CultureInfo.InvariantCulture),
                    TypedConstantKind.Enum => $"({argument.Value.Type!.ToDisplayString(TypeFormat)}){System.Convert.ToString(argument.Value.Value, CultureInfo.InvariantCulture)}",
                    _ => null,
                };
            }
            return null;
        }

        // Two factory methods (or a fixed-argument variant) may end up with the same parameter
        // types; C# allows one overload per signature, so the first one wins.
        private static IEnumerable<OpenSpec> Deduplicate(List<OpenSpec> opens)
        {
            var signatures = new HashSet<string> { "global::Folio.Storage.IPageStore" };
            foreach (var open in opens)
            {
                var signature = string.Join(",", open.Arguments.Where(a => a.FixedValue is null).Select(a => a.Type));
                if (signatures.Add(signature))
                {
                    yield return open;
                }
            }
        }
    }
}
