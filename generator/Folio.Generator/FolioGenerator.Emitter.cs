using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Folio.Generator.Model;
using Microsoft.CodeAnalysis.CSharp;

namespace Folio.Generator;

public sealed partial class FolioGenerator
{
    /// <summary>
    /// Turns a <see cref="DatabaseSpec"/> into C# text: one file for the database itself (VFS,
    /// registration, Open, lifetime, transactions, validation) and one for the typed methods.
    /// </summary>
    internal static partial class Emitter
    {
        private const string Session = "global::Folio.Queries.FolioSession";

        // On the types and members that are Folio's plumbing rather than the class's API: tools skip
        // generated code, and the debugger steps over it. The version is the generator assembly's,
        // fixed at build time, so the output stays deterministic.
        private static readonly string GeneratedCode =
            $"[global::System.CodeDom.Compiler.GeneratedCode(\"Folio.Generator\", \"{typeof(Emitter).Assembly.GetName().Version}\")]";

        private const string NonUserCode = "[global::System.Diagnostics.DebuggerNonUserCode]";

        public static string DatabaseHintName(DatabaseSpec spec) => spec.FullName + ".Database.g.cs";

        public static string QueriesHintName(DatabaseSpec spec) => spec.FullName + ".Queries.g.cs";

        public static string EmitDatabase(DatabaseSpec spec)
        {
            var w = new SourceWriter();
            OpenClass(w, spec.Namespace, spec.ContainingTypes, spec.ClassKeyword, spec.ClassName, $" : global::System.IDisposable, global::Folio.IFolioDatabase<{spec.ClassName}>");
            var name = spec.ClassName;
            var pageSize = spec.PageSize.ToString(CultureInfo.InvariantCulture);
            var storeType = spec.Storage.StoreType;

            w.Line("/// <summary>The page size of every store this database is kept in.</summary>");
            w.Line($"public const int PageSize = {pageSize};");
            w.Line();
            w.Line("/// <summary>The name of this class's SQLite VFS (<c>Vfs=</c> in other clients' connection strings).</summary>");
            w.Line($"public const string VfsName = {Literal(spec.VfsName)};");
            w.Line();
            w.Line($"private readonly {Session} __session;");
            w.Line();
            w.Open($"private {name}({Session} session)");
            w.Line("__session = session;");
            w.Close();

            EmitOpens(w, spec);

            w.Line();
            w.Line($"/// <summary>Attaches <paramref name=\"store\"/>, opens a connection and applies the migrations.</summary>");
            w.Line("/// <param name=\"store\">The store; its page size must be <see cref=\"PageSize\"/>.</param>");
            w.Line(OptionsDoc);
            w.Line("/// <param name=\"ownsStore\">Dispose the store with this object.</param>");
            w.Line($"/// <remarks>A <c>{EscapeXml(Simple(storeType))}</c> goes through this class's own VFS; any other store through Folio's general VFS.</remarks>");
            w.Line($"public static {name} Open(global::Folio.Storage.IPageStore store, global::Folio.FolioOptions? options = null, bool ownsStore = false) =>");
            w.Indent();
            w.Line($"new {name}({Session}.Open(__FolioVfs.Registration, store is {storeType}, store, PageSize, {OptionsWithCodec(spec)}, ownsStore, __Migrations, {spec.Methods.Count.ToString(CultureInfo.InvariantCulture)}, {Literal(name)}));");
            w.Outdent();

            EmitOpenAsyncs(w, spec);

            w.Line();
            w.Line("/// <summary>The attached database: its name, store and connection string.</summary>");
            w.Line("public global::Folio.FolioDatabase Database => __session.Database;");
            w.Line();
            w.Line("/// <summary>This object's SQLite connection; on a pooled object (<c>FolioOptions.MaxConnections</c> above 1), the one the current transaction holds.</summary>");
            w.Line("public global::Folio.FolioConnection Connection => __session.Connection;");
            w.Line();
            w.Line("/// <summary>What the store did for this database in this process.</summary>");
            w.Line("public global::Folio.Diagnostics.FolioStatistics Statistics => __session.Statistics;");
            w.Line();
            w.Line("/// <summary>True when this object is pooled and thread-safe (<c>FolioOptions.MaxConnections</c> above 1).</summary>");
            w.Line("public bool IsPooled => __session.IsPooled;");
            w.Line();
            w.Line($"static int global::Folio.IFolioDatabase<{name}>.PageSize => PageSize;");
            w.Line();
            w.Line("/// <summary>A Microsoft.Data.Sqlite connection string that opens this database through its VFS.</summary>");
            w.Line("public string ConnectionString => __session.Database.ConnectionString;");
            w.Line();
            w.Line("/// <summary>Runs <paramref name=\"work\"/> in a write transaction, retrying it a bounded number of times on SQLITE_BUSY.</summary>");
            w.Line($"public void Transaction(global::System.Action<{name}> work) => __session.Transaction(this, work);");
            w.Line();
            w.Line("/// <summary>Runs <paramref name=\"work\"/> in a write transaction, retrying it a bounded number of times on SQLITE_BUSY, and returns its result.</summary>");
            w.Line($"public TResult Transaction<TResult>(global::System.Func<{name}, TResult> work) => __session.Transaction(this, work);");

            EmitTransactionAsyncs(w, name);
            w.Line();
            w.Line("/// <summary>Begins a write transaction; dispose it without committing to roll back.</summary>");
            w.Line("public global::Folio.Queries.FolioTransaction BeginTransaction() => __session.BeginTransaction();");
            w.Line();
            w.Line("/// <summary>Prepares every statement of this class against a fresh in-memory database with the migrations applied; returns each failure.</summary>");
            w.Line("public static global::System.Collections.Generic.IReadOnlyList<global::Folio.Queries.SqlValidationError> ValidateSql() =>");
            w.Indent();
            w.Line($"global::Folio.Queries.SqlValidation.Run(__FolioVfs.Registration, static store => store is {storeType}, PageSize, __Migrations, __Statements.All, {Literal(name)});");
            w.Outdent();
            w.Line();
            w.Line("/// <summary>Finalizes the statements, closes the connection and detaches the database (and disposes the store when owned).</summary>");
            w.Line("public void Dispose() => __session.Dispose();");

            EmitMigrations(w, spec);
            w.Line();
            EmitVfs(w, $"global::Folio.Vfs.PagedVfs<{storeType}, global::Folio.Vfs.PageSize{pageSize}>");
            CloseClass(w, spec.Namespace, spec.ContainingTypes);
            return w.ToString();
        }

        /// <summary>The options the session gets: the caller's, with the storage attribute's codec when they name none.</summary>
        private static string OptionsWithCodec(DatabaseSpec spec) =>
            spec.Storage.Codec is null ? "options" : $"global::Folio.FolioOptions.WithDefaultCodec(options, static () => {spec.Storage.Codec})";

        private static void EmitOpens(SourceWriter w, DatabaseSpec spec)
        {
            foreach (var open in spec.Storage.Opens)
            {
                var (what, parameters, store, owns) = OpenOverload(spec, open);
                w.Line();
                w.Line($"/// <summary>Opens the database {what}</summary>");
                parameters.ForEach(p => w.Line(p));
                w.Line(OptionsDocFor(open));
                w.Line($"public static {spec.ClassName} Open({WithOptions(open)}) => Open({store}, {OptionsName(open)}, ownsStore: {owns});");
            }
        }

        /// <summary>
        /// What one <c>Open</c> overload from the storage attribute does, for its sync and async forms:
        /// the end of its summary, its parameters' docs, the store it opens and whether it owns it.
        /// </summary>
        private static (string What, List<string> ParameterDocs, string Store, string Owns) OpenOverload(DatabaseSpec spec, OpenSpec open)
        {
            var attribute = spec.Storage.AttributeName;
            switch (open.Kind)
            {
                case OpenKind.Factory:
                    var arguments = string.Join(", ", open.Arguments.Select(a => a.FixedValue ?? a.Name).Concat(new[] { "PageSize" }));
                    var docs = open.Arguments.Where(a => a.FixedValue is null)
                        .Select(p => $"/// <param name=\"{p.Name.TrimStart('@')}\">Passed to the store factory.</param>").ToList();
                    return ($"with <c>{EscapeXml(Simple(open.Factory!))}({EscapeXml(arguments)})</c> ([{attribute}]); the store is disposed with this object.",
                        docs, $"{open.Factory}({arguments})", "true");
                case OpenKind.StoreInstance:
                    return ($"kept in <paramref name=\"store\"/> ([{attribute}]); the caller keeps ownership of the store.",
                        new List<string> { "/// <param name=\"store\">The store.</param>" }, "(global::Folio.Storage.IPageStore)store", "false");
                default:
                    return ($"in a new <c>{EscapeXml(Simple(spec.Storage.StoreType))}</c>; the store is disposed with this object.",
                        new List<string>(), $"new {spec.Storage.StoreType}()", "true");
            }
        }

        /// <summary>The parameters an <c>Open</c> overload takes: the factory's arguments the attribute does not fix.</summary>
        private const string OptionsDoc = "/// <param name=\"options\">Cache, pooling, logging and naming options; null for the defaults.</param>";

        /// <summary>The name of an overload's Folio options parameter: <c>options</c>, unless the store factory has a parameter of that name.</summary>
        private static string OptionsName(OpenSpec open) => open.Arguments.Any(a => a.FixedValue is null && a.Name == "options") ? "folioOptions" : "options";

        private static string OptionsDocFor(OpenSpec open) => OptionsDoc.Replace("\"options\"", $"\"{OptionsName(open)}\"");

        /// <summary>An overload's parameters from the storage attribute, then its Folio options.</summary>
        private static string WithOptions(OpenSpec open)
        {
            var signature = Signature(open);
            var options = $"global::Folio.FolioOptions? {OptionsName(open)} = null";
            return signature.Length == 0 ? options : signature + ", " + options;
        }

        private static string Signature(OpenSpec open) =>
            string.Join(", ", open.Arguments.Where(a => a.FixedValue is null).Select(p => $"{p.Type} {p.Name}"));

        private static void EmitMigrations(SourceWriter w, DatabaseSpec spec)
        {
            w.Line();
            w.Line("// Applied in version order, in one transaction, up to the highest version; PRAGMA user_version records it.");
            if (spec.Migrations.Count == 0)
            {
                w.Line("private static readonly global::Folio.Queries.Migration[] __Migrations = global::System.Array.Empty<global::Folio.Queries.Migration>();");
                return;
            }
            w.Open("private static readonly global::Folio.Queries.Migration[] __Migrations =");
            foreach (var migration in spec.Migrations)
            {
                w.Line($"new global::Folio.Queries.Migration({migration.Version.ToString(CultureInfo.InvariantCulture)}, {Literal(migration.Sql)}),");
            }
            w.Close(";");
        }

        private static void OpenClass(SourceWriter w, string? ns, EquatableArray<ContainingTypeSpec> containingTypes, string keyword, string name, string bases)
        {
            w.Line("// <auto-generated/>");
            w.Line("#nullable enable");
            w.Line();
            if (ns is not null)
            {
                w.Open($"namespace {ns}");
            }
            foreach (var containing in containingTypes)
            {
                w.Open($"partial {containing.Keyword} {containing.Name}");
            }
            w.Open($"partial {keyword} {name}{bases}");
        }

        private static void CloseClass(SourceWriter w, string? ns, EquatableArray<ContainingTypeSpec> containingTypes)
        {
            w.Close();
            foreach (var _ in containingTypes)
            {
                w.Close();
            }
            if (ns is not null)
            {
                w.Close();
            }
        }

        internal static string Literal(string text) => SymbolDisplay.FormatLiteral(text, quote: true);

        private static string Simple(string qualified) => qualified.Replace("global::", "");

        private static string EscapeXml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
    }
}
