using System.Linq;
using Folio.Generator.Model;
using Microsoft.CodeAnalysis;

namespace Folio.Generator;

public sealed partial class FolioGenerator
{
    internal sealed partial class Parser
    {
        /// <summary>
        /// Whether <paramref name="method"/> is asynchronous and, if so, what its synchronous body
        /// returns: <paramref name="result"/> is the task's result (null for <c>Task</c> and
        /// <c>ValueTask</c>), or <c>List&lt;T&gt;</c> for <c>IAsyncEnumerable&lt;T&gt;</c>, whose
        /// rows are read in full before the first is yielded. A synchronous method's result is its
        /// return type. Returns false, with FOLIO109 reported, when the async shape cannot be generated;
        /// <paramref name="returnReported"/> says the return type was, so its result is not checked again.
        /// </summary>
        private bool ParseAsync(IMethodSymbol method, bool isExecute, string display, Location? returnLocation, out AsyncKind kind, out ITypeSymbol? result, out bool returnReported)
        {
            var returnType = method.ReturnType as INamedTypeSymbol;
            var argument = returnType is { TypeArguments.Length: 1 } ? returnType.TypeArguments[0] : null;
            kind = returnType switch
            {
                _ when KnownSymbols.Is(returnType, _known.Task) => AsyncKind.Task,
                _ when KnownSymbols.Is(returnType, _known.ValueTask) => AsyncKind.ValueTask,
                _ when KnownSymbols.Is(returnType, _known.TaskOfT) => AsyncKind.TaskOfT,
                _ when KnownSymbols.Is(returnType, _known.ValueTaskOfT) => AsyncKind.ValueTaskOfT,
                _ when KnownSymbols.Is(returnType, _known.AsyncEnumerable) => AsyncKind.AsyncEnumerable,
                _ => AsyncKind.None,
            };
            result = kind switch
            {
                AsyncKind.None => method.ReturnsVoid ? null : method.ReturnType,
                AsyncKind.Task or AsyncKind.ValueTask => null,
                AsyncKind.AsyncEnumerable => _known.List?.Construct(argument!),
                _ => argument,
            };
            returnReported = false;
            if (kind == AsyncKind.None)
            {
                return true;
            }

            var valid = true;
            var written = method.ReturnType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
            var problem = kind switch
            {
                AsyncKind.AsyncEnumerable when isExecute =>
                    $"it returns '{written}', but an [Execute] statement returns no rows; return Task, ValueTask, Task<int> or ValueTask<int> (the rows changed), or use [Query]",
                AsyncKind.TaskOfT or AsyncKind.ValueTaskOfT when KnownSymbols.Is(argument, _known.Enumerable) || KnownSymbols.Is(argument, _known.AsyncEnumerable) =>
                    $"it returns '{written}', a stream inside a task; an async method reads its rows in full (the statement may run again after store pages are fetched), so return {Wrapper(kind)}<List<T>>, {Wrapper(kind)}<IReadOnlyList<T>> or IAsyncEnumerable<T>",
                AsyncKind.TaskOfT or AsyncKind.ValueTaskOfT when isExecute && argument!.SpecialType != SpecialType.System_Int32 =>
                    $"it returns '{written}', but an [Execute] method returns void or int (the rows changed), so its async form returns Task, ValueTask, Task<int> or ValueTask<int>; use [Query] to read rows",
                AsyncKind.Task or AsyncKind.ValueTask when !isExecute =>
                    $"it returns '{written}', but a [Query] method returns its rows: return {Wrapper(kind)}<T> or IAsyncEnumerable<T>, or use [Execute] for statements run for their effect",
                _ => null,
            };
            if (problem is not null)
            {
                Report(DiagnosticDescriptors.UnsupportedAsyncShape, returnLocation, display, problem);
                returnReported = true;
                valid = false;
            }
            for (var i = 0; i < method.Parameters.Length - 1; i++)
            {
                var parameter = method.Parameters[i];
                if (KnownSymbols.Is(parameter.Type, _known.CancellationToken))
                {
                    Report(DiagnosticDescriptors.UnsupportedAsyncShape, parameter.Locations.FirstOrDefault() ?? returnLocation, display,
                        $"its CancellationToken '{parameter.Name}' must be its last parameter");
                    valid = false;
                }
            }
            return valid;
        }

        private static string Wrapper(AsyncKind kind) => kind is AsyncKind.ValueTask or AsyncKind.ValueTaskOfT ? "ValueTask" : "Task";

        /// <summary>True when the declaration itself marks <paramref name="parameter"/> [EnumeratorCancellation] (the generated part must not repeat it).</summary>
        private bool DeclaresEnumeratorCancellation(IParameterSymbol parameter) =>
            parameter.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, _known.EnumeratorCancellation)
                && (a.ApplicationSyntaxReference is null || !KnownSymbols.IsGeneratedByFolio(a.ApplicationSyntaxReference.SyntaxTree)));
    }
}
