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
    internal sealed partial class Parser
    {
        private List<MethodSpec> ParseMethods(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            var methods = new List<MethodSpec>();
            foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var query = method.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, _known.QueryAttribute));
                var execute = method.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, _known.ExecuteAttribute));
                if (query is null && execute is null)
                {
                    continue;
                }
                var spec = ParseMethod(type, method, query, execute);
                if (spec is not null)
                {
                    methods.Add(spec);
                }
            }
            return methods;
        }

        // Set when FOLIO108 was reported for the method being parsed: the build's SQL check then
        // leaves its unread columns alone (the same misspelling, reported once).
        private bool _columnsReported;

        // Set when FOLIO107 said a [Query] method's statement returns no rows: the check then does
        // not report its members as filled by no column (the same problem, reported once).
        private bool _noRowsReported;

        private MethodSpec? ParseMethod(INamedTypeSymbol type, IMethodSymbol method, AttributeData? query, AttributeData? execute)
        {
            var display = type.Name + "." + method.Name;
            var location = method.Locations.FirstOrDefault();
            var problem = method switch
            {
                _ when query is not null && execute is not null => "it has both [Query] and [Execute]; keep one",
                { IsStatic: true } => "it is static",
                { IsGenericMethod: true } => "it is generic",
                { IsPartialDefinition: false } => "it is not declared partial (declare it partial, without a body)",
                _ when HasBodyOfItsOwn(method) => "it already has a body",
                _ => null,
            };
            if (problem is not null)
            {
                var reason = method is { IsStatic: false, IsGenericMethod: false, IsPartialDefinition: false } && (query is null || execute is null)
                    ? Properties(DiagnosticDescriptors.ReasonProperty, DiagnosticDescriptors.ReasonNotPartial)
                    : null;
                Report(DiagnosticDescriptors.MethodNotPartial, location, reason, display, problem);
                return null;
            }

            _columnsReported = false;
            _noRowsReported = false;
            var attribute = (query ?? execute)!;
            var sql = attribute.ConstructorArguments.Length == 1 ? attribute.ConstructorArguments[0].Value as string ?? "" : "";
            var scan = SqlScanner.Scan(sql);
            var sqlLocation = FirstArgumentLocation(attribute) ?? Where(attribute) ?? location;
            var valid = true;
            if (scan.IsEmpty)
            {
                Report(DiagnosticDescriptors.NotOneStatement, sqlLocation, display, "is empty");
                return null;
            }
            if (scan.HasSeveralStatements)
            {
                Report(DiagnosticDescriptors.NotOneStatement, sqlLocation, display,
                    $"holds more than one statement ('{Excerpt(sql, scan.SecondStatementStart)}' follows the first); a typed method runs exactly one");
                valid = false;
            }
            foreach (var positional in scan.Positional.Distinct())
            {
                Report(DiagnosticDescriptors.UnknownSqlParameter, sqlLocation, positional, display,
                    ": positional parameters cannot be bound; name it after a method parameter ($x, :x or @x)");
                valid = false;
            }
            // A mismatch is a warning: the method still works, but not as its attribute promises.
            if (execute is not null && scan.ReturnsRows == true)
            {
                Report(DiagnosticDescriptors.AttributeMismatch, AttributeNameLocation(attribute) ?? sqlLocation,
                    Properties(DiagnosticDescriptors.ExpectedAttributeProperty, "Query"), display, "Execute", $"returns rows ({scan.Verb})", "Query");
            }
            else if (query is not null && scan.ReturnsRows == false)
            {
                var verb = scan.Verb is "INSERT" or "REPLACE" or "UPDATE" or "DELETE" ? scan.Verb + " without RETURNING" : scan.Verb;
                _noRowsReported = true;
                Report(DiagnosticDescriptors.AttributeMismatch, AttributeNameLocation(attribute) ?? sqlLocation,
                    Properties(DiagnosticDescriptors.ExpectedAttributeProperty, "Execute"), display, "Query", $"returns no rows ({verb})", "Execute");
            }

            // Parameters: a CancellationToken interrupts, every other one binds.
            var parameters = new List<ParameterSpec>();
            var bindable = new Dictionary<string, ValueSpec>();
            var unbindable = new HashSet<string>(); // already reported: no second diagnostic for the SQL naming them
            string? cancellation = null;
            foreach (var parameter in method.Parameters)
            {
                var parameterType = parameter.Type.ToDisplayString(TypeFormat);
                parameters.Add(new ParameterSpec(Identifier(parameter.Name), parameterType));
                var where = parameter.Locations.FirstOrDefault() ?? location;
                if (parameter.RefKind is RefKind.Ref or RefKind.Out || parameter.IsParams)
                {
                    Report(DiagnosticDescriptors.UnsupportedParameter, where, parameter.Name, display, "ref, out and params parameters cannot be bound");
                    unbindable.Add(parameter.Name);
                    valid = false;
                    continue;
                }
                if (KnownSymbols.Is(parameter.Type, _known.CancellationToken))
                {
                    if (cancellation is not null)
                    {
                        Report(DiagnosticDescriptors.UnsupportedParameter, where, parameter.Name, display, "a method takes at most one CancellationToken");
                        valid = false;
                    }
                    cancellation = Identifier(parameter.Name);
                    continue;
                }
                var value = ValueOf(parameter.Type, out var why);
                if (value is null)
                {
                    Report(DiagnosticDescriptors.UnsupportedParameter, where, parameter.Name, display, why);
                    unbindable.Add(parameter.Name);
                    valid = false;
                    continue;
                }
                bindable[parameter.Name] = value;
            }

            // SQL parameters bind by name: $x, :x and @x all mean the C# parameter x.
            var bindings = new List<BindingSpec>();
            var used = new HashSet<string>();
            var unknown = new List<string>();
            foreach (var token in scan.Parameters)
            {
                var name = token.Substring(1);
                var match = bindable.Keys.FirstOrDefault(k => k == name)
                    ?? bindable.Keys.SingleOrDefaultSafe(k => string.Equals(k, name, System.StringComparison.OrdinalIgnoreCase));
                if (match is null && unbindable.Contains(name))
                {
                    continue;
                }
                if (match is null)
                {
                    unknown.Add(token);
                    valid = false;
                    continue;
                }
                used.Add(match);
                bindings.Add(new BindingSpec(token, Identifier(match), bindable[match]));
            }
            var unused = bindable.Keys.Where(k => !used.Contains(k)).ToList();
            foreach (var token in unknown)
            {
                // The parameters the SQL leaves unused are what a fix may rename to match.
                var properties = ImmutableDictionary<string, string?>.Empty
                    .Add(DiagnosticDescriptors.ParameterProperty, token.Substring(1))
                    .Add(DiagnosticDescriptors.UnusedParametersProperty, string.Join(",", unused));
                Report(DiagnosticDescriptors.UnknownSqlParameter, sqlLocation, properties, token, display, "");
            }
            foreach (var name in unused)
            {
                Report(DiagnosticDescriptors.UnusedParameter, method.Parameters.First(p => p.Name == name).Locations.FirstOrDefault() ?? location, name, display);
            }

            var returnLocation = method.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<MethodDeclarationSyntax>().FirstOrDefault()?.ReturnType.GetLocation() ?? location;
            var returnType = method.ReturnType.ToDisplayString(TypeFormat);
            // An async method is its synchronous body run on the asynchronous path: the body's result
            // follows the synchronous rules.
            var asyncValid = ParseAsync(method, execute is not null, display, returnLocation, out var asyncKind, out var result, out var returnReported);
            var (shape, row) = returnReported ? (null, null)
                : execute is not null ? ParseExecuteResult(result, display, returnLocation)
                : ParseQueryResult(result, display, returnLocation, sql, sqlLocation);
            if (shape is null || !valid || !asyncValid)
            {
                return null;
            }
            // The implementation repeats the declaration's modifiers, minus 'partial' which the emitter adds.
            var declaration = method.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<MethodDeclarationSyntax>().FirstOrDefault();
            var modifiers = declaration is null ? "public"
                : string.Join(" ", declaration.Modifiers.Where(m => !m.IsKind(SyntaxKind.PartialKeyword)).Select(m => m.Text));
            var bodyType = asyncKind == AsyncKind.None ? returnType : result?.ToDisplayString(TypeFormat) ?? "void";
            var tokenParameter = method.Parameters.FirstOrDefault(p => KnownSymbols.Is(p.Type, _known.CancellationToken));
            AddSite(method.Name, sqlLocation, _columnsReported, _noRowsReported);
            return new MethodSpec(method.Name, modifiers, returnType, bodyType, parameters.ToEquatableArray(), sql, shape.Value, row,
                bindings.ToEquatableArray(), cancellation, asyncKind, tokenParameter is not null && DeclaresEnumeratorCancellation(tokenParameter));
        }

        /// <summary>
        /// True when the method's implementation part was written by hand. In the analyzer's
        /// compilation the generator's own implementation is there too, and does not count.
        /// </summary>
        private static bool HasBodyOfItsOwn(IMethodSymbol method) =>
            method.PartialImplementationPart is { } implementation
            && !implementation.DeclaringSyntaxReferences.All(r => KnownSymbols.IsGeneratedByFolio(r.SyntaxTree));

        /// <summary>The start of the statement at <paramref name="start"/>, for a message.</summary>
        private static string Excerpt(string sql, int start)
        {
            var text = sql.Substring(start).Trim();
            var line = text.IndexOfAny(new[] { '\r', '\n' });
            text = line < 0 ? text : text.Substring(0, line);
            return text.Length <= 40 ? text : text.Substring(0, 40) + "…";
        }

        /// <summary>The shape of an [Execute] method's (or body's) <paramref name="result"/>; null for void.</summary>
        private (ResultShape?, RowSpec?) ParseExecuteResult(ITypeSymbol? result, string display, Location? location)
        {
            if (result is null)
            {
                return (ResultShape.None, null);
            }
            if (result.SpecialType == SpecialType.System_Int32)
            {
                return (ResultShape.RowsAffected, null);
            }
            Report(DiagnosticDescriptors.UnsupportedReturn, location, display, result.ToDisplayString(TypeFormat),
                "an [Execute] method returns void or int (the rows changed); use [Query] to read rows");
            return (null, null);
        }

        /// <summary>The shape and row of a [Query] method's (or body's) <paramref name="result"/>; null for void.</summary>
        private (ResultShape?, RowSpec?) ParseQueryResult(ITypeSymbol? result, string display, Location? location, string sql, Location? sqlLocation)
        {
            if (result is null)
            {
                Report(DiagnosticDescriptors.UnsupportedReturn, location, display, "void", "a [Query] method returns its rows; use [Execute] for statements run for their effect");
                return (null, null);
            }
            var returnType = result;
            var returnDisplay = returnType.ToDisplayString(TypeFormat);

            ResultShape shape;
            ITypeSymbol rowType;
            if (returnType is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } generic
                && (KnownSymbols.Is(generic, _known.List) || KnownSymbols.Is(generic, _known.ReadOnlyList) || KnownSymbols.Is(generic, _known.Enumerable)))
            {
                shape = KnownSymbols.Is(generic, _known.List) ? ResultShape.List
                    : KnownSymbols.Is(generic, _known.ReadOnlyList) ? ResultShape.ReadOnlyList
                    : ResultShape.Enumerable;
                rowType = generic.TypeArguments[0];
            }
            else if (IsNullable(returnType, out var underlying))
            {
                shape = ResultShape.FirstOrDefault;
                // A nullable scalar stays nullable: NULL in the column also reads as null.
                rowType = ValueOf(returnType, out _) is not null ? returnType : underlying;
            }
            else
            {
                shape = ResultShape.Single;
                rowType = returnType;
            }

            // Objects take columns by name: when the SQL shows its column names, a settable property
            // none of them fills is left out of the reader (and reported), instead of failing at run time.
            var columns = SqlColumns.Of(sql);
            var unfilled = new List<IPropertySymbol>();
            var row = RowOf(rowType, columns, unfilled, out var why);
            if (row is null)
            {
                Report(DiagnosticDescriptors.UnsupportedReturn, location, display, returnDisplay, why);
                return (null, null);
            }
            _columnsReported = unfilled.Count > 0;
            foreach (var property in unfilled)
            {
                Report(DiagnosticDescriptors.UnfilledProperty, sqlLocation ?? location, property.Name, property.ContainingType.Name, display,
                    string.Join(", ", columns!), property.IsRequired ? "it is required, so reading a row fails" : "it keeps its default value");
            }
            return (shape, row);
        }
    }
}

internal static class EnumerableExtensions
{
    /// <summary>The single match, or null when there is none or more than one.</summary>
    public static string? SingleOrDefaultSafe(this IEnumerable<string> items, System.Func<string, bool> predicate)
    {
        var matches = items.Where(predicate).Take(2).ToList();
        return matches.Count == 1 ? matches[0] : null;
    }
}
