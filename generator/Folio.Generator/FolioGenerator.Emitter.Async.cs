using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Folio.Generator.Model;

namespace Folio.Generator;

public sealed partial class FolioGenerator
{
    internal static partial class Emitter
    {
        private const string CancellationTokenType = "global::System.Threading.CancellationToken";
        private const string Tasks = "global::System.Threading.Tasks";

        /// <summary>The private method holding an async method's synchronous body.</summary>
        private static string BodyName(MethodSpec method) => "__" + method.Name + "_Body";

        /// <summary>
        /// An async typed method: its synchronous body (written beside it by <see cref="EmitMethod"/>)
        /// run through <c>FolioSession.RunAsync</c>. The arguments travel in a value tuple to a static
        /// lambda, so a call allocates no closure. <paramref name="explain"/> writes, once per file,
        /// why the body is a method of its own.
        /// </summary>
        private static void EmitAsyncMethod(SourceWriter w, MethodSpec method, bool explain)
        {
            if (explain)
            {
                w.Line("// An async method runs its synchronous body (the __X_Body method after it) on the asynchronous");
                w.Line("// path: store work is awaited outside SQLite, and when a page had to be fetched first the body");
                w.Line("// runs again, so a body may run more than once. The call completes once its commit is durable.");
            }
            var token = method.CancellationToken ?? "default";
            var run = $"__session.RunAsync({State(method)}, static s => {BodyCall(method)}, {token})";
            var parameters = method.Parameters.Select(p => $"{p.Type} {p.Name}").ToList();
            w.Line(GeneratedCode);
            w.Line(NonUserCode);
            if (method.Async != AsyncKind.AsyncEnumerable)
            {
                var signature = $"{method.Modifiers} partial {method.ReturnType} {method.Name}({string.Join(", ", parameters)}) =>";
                w.Line(signature);
                w.Indent();
                w.Line(method.Async is AsyncKind.Task or AsyncKind.TaskOfT ? run + ".AsTask();" : run + ";");
                w.Outdent();
                return;
            }
            if (method.CancellationToken is not null && !method.DeclaresEnumeratorCancellation)
            {
                parameters[parameters.Count - 1] = "[global::System.Runtime.CompilerServices.EnumeratorCancellation] " + parameters[parameters.Count - 1];
            }
            w.Open($"{method.Modifiers} async partial {method.ReturnType} {method.Name}({string.Join(", ", parameters)})");
            w.Line("// Buffered: every row is read before the first is yielded, as the statement may run more than once.");
            w.Line($"var __rows = await {run}.ConfigureAwait(false);");
            w.Open("foreach (var __row in __rows)");
            w.Line("yield return __row;");
            w.Close();
            w.Close();
        }

        // The object and the arguments, by position; the object alone when there are none.
        private static string State(MethodSpec method) =>
            method.Parameters.Count == 0 ? "this" : $"(this, {string.Join(", ", method.Parameters.Select(p => p.Name))})";

        private static string BodyCall(MethodSpec method)
        {
            if (method.Parameters.Count == 0)
            {
                return $"s.{BodyName(method)}()";
            }
            var arguments = method.Parameters.Select((_, i) => "s.Item" + (i + 2).ToString(CultureInfo.InvariantCulture));
            return $"s.Item1.{BodyName(method)}({string.Join(", ", arguments)})";
        }

        /// <summary>An <c>OpenAsync</c> beside every <c>Open</c>, with the same parameters and then <c>warm</c> and a token.</summary>
        private static void EmitOpenAsyncs(SourceWriter w, DatabaseSpec spec)
        {
            var name = spec.ClassName;
            var result = $"{Tasks}.ValueTask<{name}>";
            const string Tail = "bool warm = false, " + CancellationTokenType + " cancellationToken = default";
            const string Forward = "warm: warm, cancellationToken: cancellationToken";
            foreach (var open in spec.Storage.Opens)
            {
                var (what, parameters, store, owns) = OpenOverload(spec, open);
                var signature = WithOptions(open) + ", " + Tail;
                w.Line();
                w.Line($"/// <summary>Opens the database {what} The store's work is awaited.</summary>");
                parameters.ForEach(p => w.Line(p));
                w.Line(OptionsDocFor(open));
                EmitOpenAsyncTailDocs(w);
                w.Line($"public static {result} OpenAsync({signature}) => OpenAsync({store}, {OptionsName(open)}, ownsStore: {owns}, {Forward});");
            }

            w.Line();
            w.Line("/// <summary>The asynchronous twin of <c>Open(store, options, ownsStore)</c>: the same attach, connection and migrations, with the store's work awaited.</summary>");
            w.Line("/// <param name=\"store\">The store; its page size must be <see cref=\"PageSize\"/>.</param>");
            w.Line(OptionsDoc);
            w.Line("/// <param name=\"ownsStore\">Dispose the store with this object.</param>");
            EmitOpenAsyncTailDocs(w);
            w.Line($"public static async {result} OpenAsync(global::Folio.Storage.IPageStore store, global::Folio.FolioOptions? options = null, bool ownsStore = false, {Tail}) =>");
            w.Indent();
            w.Line($"new {name}(await {Session}.OpenAsync(__FolioVfs.Registration, store is {spec.Storage.StoreType}, store, PageSize, {OptionsWithCodec(spec)}, ownsStore, __Migrations, {spec.Methods.Count.ToString(CultureInfo.InvariantCulture)}, {Literal(name)}, warm, cancellationToken).ConfigureAwait(false));");
            w.Outdent();
        }

        private static void EmitOpenAsyncTailDocs(SourceWriter w)
        {
            w.Line("/// <param name=\"warm\">Load every page of the database into the page cache first, in as few store round trips as the store allows.</param>");
            w.Line("/// <param name=\"cancellationToken\">Cancels the store's work.</param>");
        }

        private static void EmitTransactionAsyncs(SourceWriter w, string name)
        {
            var work = $"global::System.Func<{name}, {CancellationTokenType}, {Tasks}.Task";
            var lines = new List<string>
            {
                "/// <summary>",
                "/// Runs <paramref name=\"work\"/> in a write transaction on the asynchronous path and commits it. Like",
                "/// <c>Transaction</c>, it is rolled back and run again a bounded number of times on SQLITE_BUSY, and also",
                "/// when a page it needed had to be fetched from the store first, so <paramref name=\"work\"/> may run more",
                "/// than once. It completes once the commit is durable; an exception from <paramref name=\"work\"/> rolls back.",
                "/// </summary>",
                "/// <param name=\"work\">The transaction's work: this object and the token.</param>",
                "/// <param name=\"cancellationToken\">Cancels waiting and store reads; a commit already sent completes.</param>",
            };
            w.Line();
            lines.ForEach(l => w.Line(l));
            w.Line($"public {Tasks}.Task TransactionAsync({work}> work, {CancellationTokenType} cancellationToken = default) =>");
            w.Indent();
            w.Line("__session.TransactionAsync(this, work, cancellationToken);");
            w.Outdent();
            w.Line();
            lines.Insert(lines.Count - 2, "/// <typeparam name=\"TResult\">The work's result.</typeparam>");
            lines.Add("/// <returns>What <paramref name=\"work\"/> returned, once the commit is durable.</returns>");
            lines.ForEach(l => w.Line(l));
            w.Line($"public {Tasks}.Task<TResult> TransactionAsync<TResult>({work}<TResult>> work, {CancellationTokenType} cancellationToken = default) =>");
            w.Indent();
            w.Line("__session.TransactionAsync(this, work, cancellationToken);");
            w.Outdent();
        }
    }
}
