using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using NUnit.Framework;

namespace Folio.Generator.Tests;

/// <summary><c>KeyProvider</c> and <c>Compression</c> on a storage attribute become the generated Open methods' page codec.</summary>
public class StorageCodecTests
{
    private const string Source = """
        using System;
        using Folio;
        using Folio.Storage;

        namespace MyApp
        {
            public sealed class FixedKeys : IPageKeyProvider
            {
                public uint CurrentKeyId => 3;

                public bool TryGetKey(uint keyId, Span<byte> key)
                {
                    key.Fill((byte)keyId);
                    return keyId == 3;
                }
            }

            [PagedDatabase]
            [MemoryStorage(KeyProvider = typeof(FixedKeys), Compression = PageCompression.Zstd)]
            [Migration(1, "CREATE TABLE t(v TEXT)")]
            public partial class SealedDb
            {
            }

            [PagedDatabase]
            [MemoryStorage(Compression = PageCompression.Lz4)]
            public partial class PackedDb
            {
            }
        }
        """;

    [Test]
    public void TheAttributeChoosesTheCodecUnlessTheOptionsNameOne()
    {
        var (result, output) = GeneratorHarness.Run(Source);
        Assert.That(result.Exception, Is.Null);
        Assert.That(result.Diagnostics, Is.Empty, Snapshot.Describe(result.Diagnostics));
        var problems = GeneratorHarness.CompilerProblems(output);
        Assert.That(problems, Is.Empty, Snapshot.Describe(problems));
        var assembly = Load(output);

        Assert.That(CodecOf(assembly, "MyApp.SealedDb", [typeof(string), typeof(FolioOptions)], ["sealed-" + Guid.NewGuid().ToString("N"), null]),
            Is.EqualTo("zstd level 1 + aes-256-gcm (current key id 3)"));
        Assert.That(CodecOf(assembly, "MyApp.PackedDb", [typeof(string), typeof(FolioOptions)], ["packed-" + Guid.NewGuid().ToString("N"), null]),
            Is.EqualTo("lz4 + checksum (format 3)"));

        var store = new Folio.Storage.MemoryPageStore("explicit-" + Guid.NewGuid().ToString("N"));
        var options = new FolioOptions { Codec = Folio.Storage.ChecksumPageCodec.Instance };
        Assert.That(CodecOf(assembly, "MyApp.SealedDb", [typeof(Folio.Storage.IPageStore), typeof(FolioOptions), typeof(bool)], [store, options, true]),
            Is.EqualTo("checksum"), "options that name a codec win");
        Assert.That(options.Codec, Is.SameAs(Folio.Storage.ChecksumPageCodec.Instance));
    }

    [Test]
    public void AKeyProviderThatCannotBeMadeIsReported()
    {
        var (result, _) = GeneratorHarness.Run("""
            using System;
            using Folio;
            using Folio.Storage;

            public sealed class NeedsPath(string path) : IPageKeyProvider
            {
                public uint CurrentKeyId => 1;
                public bool TryGetKey(uint keyId, Span<byte> key) => path.Length > 0;
            }

            [PagedDatabase]
            [MemoryStorage(KeyProvider = typeof(NeedsPath))]
            public partial class A { }

            [PagedDatabase]
            [MemoryStorage(KeyProvider = typeof(string))]
            public partial class B { }
            """);
        var messages = result.Diagnostics.Where(d => d.Id == "FOLIO202").Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.That(messages, Is.EquivalentTo(new[]
        {
            "KeyProvider = typeof(NeedsPath) on 'A' cannot be used: it has no public parameterless constructor",
            "KeyProvider = typeof(String) on 'B' cannot be used: it does not implement Folio.Storage.IPageKeyProvider",
        }));
        Assert.That(result.Diagnostics.Where(d => d.Id == "FOLIO202").Select(d => d.Severity), Is.All.EqualTo(DiagnosticSeverity.Error));
    }

    private static string? CodecOf(Assembly assembly, string type, Type[] parameters, object?[] arguments)
    {
        var open = assembly.GetType(type, throwOnError: true)!.GetMethod("Open", BindingFlags.Public | BindingFlags.Static, parameters)
            ?? throw new MissingMethodException(type, $"Open({string.Join(", ", parameters.Select(p => p.Name))})");
        using var db = (IDisposable)open.Invoke(null, arguments)!;
        var database = (FolioDatabase)db.GetType().GetProperty("Database")!.GetValue(db)!;
        return database.Options.Codec?.Describe() ?? "checksum";
    }

    private static Assembly Load(Compilation output)
    {
        using var image = new MemoryStream();
        var emitted = output.Emit(image);
        Assert.That(emitted.Success, Is.True, Snapshot.Describe(emitted.Diagnostics));
        image.Position = 0;
        return new AssemblyLoadContext("StorageCodec", isCollectible: true).LoadFromStream(image);
    }
}
