using System.Reflection;
using Folio.Generator.Model;
using NUnit.Framework;

namespace Folio.Generator.Tests;

/// <summary>
/// Models cross incremental steps, so they must hold no Roslyn type (symbols, syntax, locations,
/// compilations): those would keep compilations alive and never compare equal. This walks every
/// type reachable from the models' properties.
/// </summary>
public class ModelShapeTests
{
    [Test]
    public void NoMicrosoftCodeAnalysisTypeIsReachableFromTheModels()
    {
        var roslyn = typeof(Microsoft.CodeAnalysis.Compilation).Assembly;
        var offenders = new List<string>();
        var seen = new HashSet<Type>();
        var pending = new Queue<(Type Type, string Path)>();
        pending.Enqueue((typeof(FolioGenerator.ParseResult), nameof(FolioGenerator.ParseResult)));
        pending.Enqueue((typeof(FolioGenerator.SkipReasons), nameof(FolioGenerator.SkipReasons)));
        pending.Enqueue((typeof(DatabaseSpec), nameof(DatabaseSpec)));
        pending.Enqueue((typeof(VfsSpec), nameof(VfsSpec)));
        while (pending.Count > 0)
        {
            var (type, path) = pending.Dequeue();
            if (!seen.Add(type))
            {
                continue;
            }
            if (type.Assembly == roslyn || type.Namespace?.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) == true)
            {
                offenders.Add($"{path}: {type.FullName}");
                continue;
            }
            foreach (var argument in type.IsGenericType ? type.GetGenericArguments() : [])
            {
                pending.Enqueue((argument, $"{path}<{argument.Name}>"));
            }
            if (type.IsArray)
            {
                pending.Enqueue((type.GetElementType()!, path + "[]"));
            }
            if (type.Assembly != typeof(DatabaseSpec).Assembly)
            {
                continue; // framework types: only their generic arguments matter
            }
            foreach (var property in type.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                pending.Enqueue((property.PropertyType, $"{path}.{property.Name}"));
            }
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                pending.Enqueue((field.FieldType, $"{path}.{field.Name}"));
            }
        }
        Assert.That(offenders, Is.Empty);
        Assert.That(seen, Does.Contain(typeof(ValueSpec)).And.Contain(typeof(LocationInfo)), "the walk reached the leaves");
    }

    [Test]
    public void ParsingTheSameSourceTwiceGivesEqualModels()
    {
        const string source = """
            using Folio;
            [PagedDatabase]
            [MemoryStorage]
            [Migration(1, "CREATE TABLE t(x)")]
            public partial class Db
            {
                [Query("SELECT x FROM t WHERE x = $x")]
                public partial System.Collections.Generic.List<(long X, string? Y)> Find(long x);
            }
            """;
        var first = Parse(source);
        var second = Parse(source);
        Assert.That(second, Is.EqualTo(first));
        Assert.That(second, Is.Not.SameAs(first));
        Assert.That(Parse(source.Replace("$x", "$x + 1", StringComparison.Ordinal)), Is.Not.EqualTo(first));
    }

    private static DatabaseSpec? Parse(string source)
    {
        var compilation = GeneratorHarness.Compile(true, source);
        var type = compilation.GetTypeByMetadataName("Db")!;
        return new FolioGenerator.Parser(new KnownSymbols(compilation)).ParseDatabase(type, CancellationToken.None);
    }
}
