using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json;

namespace Folio.SqlCheck;

/// <summary>Where a SQL text is written: a path (relative to the project, or absolute), 1-based line and column.</summary>
internal sealed record Site(string File, int Line, int Column);

/// <summary>A C# value: its type as written, the kind Folio reads or binds it as, and whether it takes NULL.</summary>
internal sealed record Value(string Type, string Kind, bool Nullable);

internal sealed record Migration(int Version, string Sql, Site? Site);

internal sealed record Binding(string Token, string Parameter, Value Value);

internal sealed record Member(string Name, Value Value);

/// <summary>A row type: <c>Scalar</c> and <c>Tuple</c> take columns by position, <c>Object</c> by name.</summary>
internal sealed record Row(string Kind, string Type, IReadOnlyList<Member> Members)
{
    public bool ByName => Kind == "Object";
}

/// <summary>
/// A typed method's statement; <paramref name="ColumnsReported"/> when the analyzer reported
/// FOLIO108 for it, <paramref name="NoRowsReported"/> when it reported FOLIO107 for a [Query] whose
/// statement returns no rows.
/// </summary>
internal sealed record Statement(string Method, string Sql, Site? Site, IReadOnlyList<string> Parameters, IReadOnlyList<Binding> Bindings, Row? Row,
    bool ColumnsReported, bool NoRowsReported = false);

/// <summary>One database class's SQL model, as the generator wrote it into the assembly.</summary>
internal sealed record DatabaseModel(string Class, IReadOnlyList<Migration> Migrations, IReadOnlyList<Statement> Statements)
{
    /// <summary>The <c>AssemblyMetadata</c> key the generator writes each model under.</summary>
    public const string Key = "Folio.SqlModel";

    /// <summary>The models' JSON texts in <paramref name="assembly"/>, in metadata order.</summary>
    public static List<string> ReadTexts(string assembly)
    {
        using var stream = File.OpenRead(assembly);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var texts = new List<string>();
        foreach (var handle in metadata.GetAssemblyDefinition().GetCustomAttributes())
        {
            var attribute = metadata.GetCustomAttribute(handle);
            if (attribute.Constructor.Kind != HandleKind.MemberReference
                || metadata.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent is not { Kind: HandleKind.TypeReference } parent
                || !metadata.StringComparer.Equals(metadata.GetTypeReference((TypeReferenceHandle)parent).Name, "AssemblyMetadataAttribute"))
            {
                continue;
            }
            var blob = metadata.GetBlobReader(attribute.Value);
            if (blob.ReadUInt16() == 1 && blob.ReadSerializedString() == Key && blob.ReadSerializedString() is { } json)
            {
                texts.Add(json);
            }
        }
        return texts;
    }

    public static DatabaseModel Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var migrations = root.GetProperty("migrations").EnumerateArray()
            .Select(m => new Migration(m.GetProperty("version").GetInt32(), m.GetProperty("sql").GetString()!, SiteOf(m))).ToList();
        var statements = root.GetProperty("statements").EnumerateArray().Select(s => new Statement(
            s.GetProperty("method").GetString()!,
            s.GetProperty("sql").GetString()!,
            SiteOf(s),
            s.GetProperty("parameters").EnumerateArray().Select(p => p.GetString()!).ToList(),
            s.GetProperty("bindings").EnumerateArray().Select(b => new Binding(b.GetProperty("token").GetString()!, b.GetProperty("parameter").GetString()!, ValueOf(b))).ToList(),
            s.TryGetProperty("row", out var row)
                ? new Row(row.GetProperty("kind").GetString()!, row.GetProperty("type").GetString()!,
                    row.GetProperty("members").EnumerateArray().Select(m => new Member(m.GetProperty("name").GetString()!, ValueOf(m))).ToList())
                : null,
            s.TryGetProperty("columnsReported", out var reported) && reported.GetBoolean(),
            s.TryGetProperty("noRowsReported", out var noRows) && noRows.GetBoolean())).ToList();
        return new DatabaseModel(root.GetProperty("class").GetString()!, migrations, statements);
    }

    private static Value ValueOf(JsonElement e) => new(e.GetProperty("type").GetString()!, e.GetProperty("kind").GetString()!, e.GetProperty("nullable").GetBoolean());

    private static Site? SiteOf(JsonElement e) => e.TryGetProperty("file", out var file)
        ? new Site(file.GetString()!, e.GetProperty("line").GetInt32(), e.GetProperty("column").GetInt32())
        : null;
}
