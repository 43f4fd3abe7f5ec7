using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Folio.Generator.Model;

namespace Folio.Generator;

public sealed partial class FolioGenerator
{
    internal static partial class Emitter
    {
        public static string EmitQueries(DatabaseSpec spec)
        {
            var w = new SourceWriter();
            OpenClass(w, spec.Namespace, spec.ContainingTypes, spec.ClassKeyword, spec.ClassName, "");
            var fields = FieldNames(spec);

            var readers = ReaderNames(spec, fields);

            w.Line("// One shape per typed method: its SQL, its parameters in binding order and the members its rows fill.");
            w.Line("// The runtime prepares each once per connection and resolves names to indexes then.");
            w.Line(GeneratedCode);
            w.Line(NonUserCode);
            w.Open("private static class __Statements");
            for (var i = 0; i < spec.Methods.Count; i++)
            {
                var method = spec.Methods[i];
                var members = Members(method.Row).Select(m => Literal(m.Name.TrimStart('@')));
                var byName = method.Row?.Kind == RowKind.Object ? "true" : "false";
                w.Line($"internal static readonly global::Folio.Queries.StatementShape {fields[i]} = new(");
                w.Indent();
                w.Line($"{Literal(spec.ClassName + "." + method.Name)},");
                w.Line($"{Literal(method.Sql)},");
                w.Line($"{StringArray(method.Bindings.Select(b => Literal(b.Token)))},");
                w.Line($"{StringArray(members)},");
                w.Line($"byName: {byName});");
                w.Outdent();
                w.Line();
            }
            w.Line($"internal static readonly global::Folio.Queries.StatementShape[] All = {ShapeArray(fields)};");
            w.Close();

            var asyncExplained = false;
            for (var i = 0; i < spec.Methods.Count; i++)
            {
                var method = spec.Methods[i];
                var parameters = string.Join(", ", method.Parameters.Select(p => $"{p.Type} {p.Name}"));
                var signature = $"{method.Modifiers} partial {method.ReturnType} {method.Name}({parameters})";
                if (method.Async != AsyncKind.None)
                {
                    w.Line();
                    EmitAsyncMethod(w, method, !asyncExplained);
                    asyncExplained = true;
                    signature = $"private {method.BodyType} {BodyName(method)}({parameters})";
                }
                w.Line();
                EmitMethod(w, signature, method, i, fields[i], readers.TryGetValue(i, out var reader) ? reader.Name : null);
            }
            for (var i = 0; i < spec.Methods.Count; i++)
            {
                if (readers.TryGetValue(i, out var reader) && reader.First == i)
                {
                    w.Line();
                    EmitReader(w, spec.Methods[i].Row!, reader.Name, reader.Users.Select(u => spec.Methods[u].Name).Distinct().ToList());
                }
            }
            CloseClass(w, spec.Namespace, spec.ContainingTypes);
            return w.ToString();
        }

        /// <summary>A typed method's synchronous body, as <paramref name="signature"/>: the method itself, or what its async form runs.</summary>
        private static void EmitMethod(SourceWriter w, string signature, MethodSpec method, int index, string field, string? reader)
        {
            w.Line(GeneratedCode);
            w.Line(NonUserCode);
            w.Open(signature);
            var token = method.CancellationToken is null ? "" : ", " + method.CancellationToken;
            w.Line($"var __s = __session.Rent({index.ToString(CultureInfo.InvariantCulture)}, __Statements.{field}{token});");
            w.Open("try");
            for (var slot = 0; slot < method.Bindings.Count; slot++)
            {
                EmitBind(w, method.Bindings[slot], slot);
            }
            // Scalars are read inline; tuples and objects by a reader function below, one argument a line.
            var row = method.Row switch
            {
                null => "",
                { Kind: RowKind.Scalar } scalar => ReadExpression(scalar.ConstructorArguments[0].Value, 0),
                _ => $"{reader}(__s)",
            };
            switch (method.Shape)
            {
                case ResultShape.None:
                    w.Line("__s.Execute();");
                    break;
                case ResultShape.RowsAffected:
                    w.Line("return __s.Execute();");
                    break;
                case ResultShape.List:
                case ResultShape.ReadOnlyList:
                    w.Line($"var __rows = new global::System.Collections.Generic.List<{method.Row!.Type}>();");
                    w.Open("while (__s.Step())");
                    w.Line($"__rows.Add({row});");
                    w.Close();
                    w.Line("return __rows;");
                    break;
                case ResultShape.Enumerable:
                    w.Line("// Streamed: the statement stays on this row until the caller moves on; ending or");
                    w.Line("// disposing the enumeration resets it (the finally below).");
                    w.Open("while (__s.Step())");
                    w.Line($"yield return {row};");
                    w.Close();
                    break;
                case ResultShape.Single:
                    w.Open("if (!__s.Step())");
                    w.Line("__s.ThrowNoRows();");
                    w.Close();
                    w.Line($"var __row = {row};");
                    w.Open("if (__s.Step())");
                    w.Line("__s.ThrowManyRows();");
                    w.Close();
                    w.Line("return __row;");
                    break;
                case ResultShape.FirstOrDefault:
                    w.Line($"return __s.Step() ? {row} : null;");
                    break;
            }
            w.Close();
            w.Open("finally");
            w.Line("__session.Return(__s);");
            w.Close();
            w.Close();
        }

        private static void EmitBind(SourceWriter w, BindingSpec binding, int slot)
        {
            var s = slot.ToString(CultureInfo.InvariantCulture);
            var value = binding.Value;
            // Reference types are checked for null even when not annotated: a null argument binds SQL NULL.
            var mayBeNull = value.IsNullable || value.Kind is ValueKind.String or ValueKind.ByteArray;
            if (!mayBeNull)
            {
                w.Line($"__s.{BindCall(value.Kind, s, binding.Parameter, value.NonNullableType)};");
                return;
            }
            var local = "__p" + s;
            w.Open($"if ({binding.Parameter} is {{ }} {local})");
            w.Line($"__s.{BindCall(value.Kind, s, local, value.NonNullableType)};");
            w.Close();
            w.Open("else");
            w.Line($"__s.BindNull({s});");
            w.Close();
        }

        private static string BindCall(ValueKind kind, string slot, string value, string type) => kind switch
        {
            ValueKind.Int64 or ValueKind.Int32 or ValueKind.Int16 or ValueKind.Byte => $"BindInt64({slot}, {value})",
            ValueKind.Enum => $"BindInt64({slot}, (long){value})",
            ValueKind.Boolean => $"BindBoolean({slot}, {value})",
            ValueKind.Double or ValueKind.Single => $"BindDouble({slot}, {value})",
            ValueKind.Decimal => $"BindDecimal({slot}, {value})",
            ValueKind.String => $"BindString({slot}, {value})",
            ValueKind.ByteArray => $"BindBlob({slot}, {value})",
            ValueKind.ReadOnlyMemory => $"BindBlob({slot}, {value}.Span)",
            ValueKind.Guid => $"BindGuid({slot}, {value})",
            ValueKind.DateTime => $"BindDateTime({slot}, {value})",
            ValueKind.DateTimeOffset => $"BindDateTimeOffset({slot}, {value})",
            ValueKind.DateOnly => $"BindDateOnly({slot}, {value})",
            ValueKind.TimeOnly => $"BindTimeOnly({slot}, {value})",
            _ => throw new System.ArgumentOutOfRangeException(nameof(kind), kind, type),
        };

        private static void EmitReader(SourceWriter w, RowSpec row, string name, List<string> methods)
        {
            if (methods.Count == 1)
            {
                w.Line($"// Reads one row of {methods[0]}: reading slot n is member n of its StatementShape.");
            }
            else
            {
                // One reader per row type and member list, however many methods read it.
                var names = string.Join(", ", methods.Take(methods.Count - 1)) + " and " + methods[methods.Count - 1];
                w.Line($"// Reads one row of {names}, which fill the same members: reading slot n is");
                w.Line("// member n of each one's StatementShape.");
            }
            w.Line(GeneratedCode);
            w.Line(NonUserCode);
            w.Line($"private static {row.Type} {name}(global::Folio.Queries.FolioStatement __s) =>");
            w.Indent();
            var slot = 0;
            if (row.ConstructorArguments.Count == 0 && row.Initializers.Count == 0)
            {
                w.Line($"new {row.Type}();"); // every property is left at its default (FOLIO108 says which)
            }
            else if (row.ConstructorArguments.Count == 0)
            {
                w.Line($"new {row.Type}");
            }
            else
            {
                w.Line(row.Kind == RowKind.Tuple ? "(" : $"new {row.Type}(");
                w.Indent();
                for (var i = 0; i < row.ConstructorArguments.Count; i++, slot++)
                {
                    var end = i < row.ConstructorArguments.Count - 1 ? "," : row.Initializers.Count == 0 ? ");" : ")";
                    w.Line(ReadExpression(row.ConstructorArguments[i].Value, slot) + end);
                }
                w.Outdent();
            }
            if (row.Initializers.Count > 0)
            {
                w.Line("{");
                w.Indent();
                foreach (var member in row.Initializers)
                {
                    w.Line($"{member.Name} = {ReadExpression(member.Value, slot++)},");
                }
                w.Outdent();
                w.Line("};");
            }
            w.Outdent();
        }

        private static string ReadExpression(ValueSpec value, int slot)
        {
            var s = slot.ToString(CultureInfo.InvariantCulture);
            var read = value.Kind switch
            {
                ValueKind.Enum => $"({value.NonNullableType})__s.GetInt64({s})",
                ValueKind.ReadOnlyMemory => $"__s.GetMemory({s})",
                ValueKind.ByteArray => $"__s.GetBytes({s})",
                _ => $"__s.Get{value.Kind}({s})",
            };
            return value.IsNullable ? $"(__s.IsNull({s}) ? default({value.Type}) : {read})" : read;
        }

        private static IEnumerable<RowMemberSpec> Members(RowSpec? row) =>
            row is null ? Enumerable.Empty<RowMemberSpec>() : row.ConstructorArguments.Concat(row.Initializers);

        /// <summary>A row reader: its name, the first method that uses it, and every method that does (by index).</summary>
        private sealed class Reader
        {
            public Reader(string name, int first)
            {
                Name = name;
                First = first;
            }

            public string Name { get; }

            public int First { get; }

            public List<int> Users { get; } = new();
        }

        // One reader per row shape: methods whose rows are the same type filling the same members
        // (the same columns, as far as the reader can tell) share the first one's, named after it.
        private static Dictionary<int, Reader> ReaderNames(DatabaseSpec spec, string[] fields)
        {
            var byRow = new Dictionary<RowSpec, Reader>();
            var readers = new Dictionary<int, Reader>();
            for (var i = 0; i < spec.Methods.Count; i++)
            {
                if (spec.Methods[i].Row is not { Kind: not RowKind.Scalar } row)
                {
                    continue;
                }
                if (!byRow.TryGetValue(row, out var reader))
                {
                    reader = byRow[row] = new Reader("__Read" + fields[i], i);
                }
                reader.Users.Add(i);
                readers[i] = reader;
            }
            return readers;
        }

        // Field names follow the method names; overloads get a numeric suffix so each stays unique.
        private static string[] FieldNames(DatabaseSpec spec)
        {
            var names = new string[spec.Methods.Count];
            var used = new HashSet<string> { "All" };
            for (var i = 0; i < names.Length; i++)
            {
                var name = spec.Methods[i].Name;
                for (var n = 2; !used.Add(name); n++)
                {
                    name = spec.Methods[i].Name + "_" + n.ToString(CultureInfo.InvariantCulture);
                }
                names[i] = name;
            }
            return names;
        }

        private static string StringArray(IEnumerable<string> items)
        {
            var list = items.ToList();
            return list.Count == 0 ? "global::System.Array.Empty<string>()" : $"new string[] {{ {string.Join(", ", list)} }}";
        }

        private static string ShapeArray(string[] fields) =>
            fields.Length == 0
                ? "global::System.Array.Empty<global::Folio.Queries.StatementShape>()"
                : $"new global::Folio.Queries.StatementShape[] {{ {string.Join(", ", fields)} }}";
    }
}
