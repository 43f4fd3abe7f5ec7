using System.Text;
using Folio.Storage;

namespace Folio.Testing;

/// <summary>The page codec variants the suites run under, with fixed test keys.</summary>
public static class TestCodecs
{
    /// <summary>Every variant besides the default: compression alone, encryption alone, both.</summary>
    public static readonly string[] Variants = ["lz4", "zstd", "aes", "aes+lz4", "aes+zstd"];

    /// <summary>A key ring of two fixed keys (1 and 2; 2 is current).</summary>
    public static PageKeyRing Keys(params uint[] ids) =>
        new((ids.Length == 0 ? [1u, 2u] : ids).Select(id => KeyValuePair.Create(id, Key(id))));

    /// <summary>The fixed test key <paramref name="id"/>: 32 bytes derived from the id.</summary>
    public static byte[] Key(uint id) => Enumerable.Range(0, PageKeyRing.KeySize).Select(i => (byte)(i * 7 + id * 31)).ToArray();

    /// <summary>A key ring whose key 2 differs from <see cref="Keys"/>'s.</summary>
    public static PageKeyRing WrongKeys() => new([KeyValuePair.Create(2u, Enumerable.Repeat((byte)0x5a, PageKeyRing.KeySize).ToArray())]);

    /// <summary>The codec for a variant name ("none", "lz4", "zstd", "aes", "aes+lz4", "aes+zstd").</summary>
    public static IPageCodec Create(string variant)
    {
        var encrypted = variant.StartsWith("aes", StringComparison.Ordinal);
        var rest = encrypted ? variant.Length > 3 ? variant[4..] : "none" : variant;
        if (!PageCodec.TryParseCompression(rest, out var compression))
        {
            throw new ArgumentException($"unknown codec variant '{variant}'", nameof(variant));
        }
        return PageCodec.Create(compression, encrypted ? Keys() : null);
    }

    /// <summary>True when <paramref name="haystack"/> holds <paramref name="marker"/> as UTF-8 or UTF-16.</summary>
    public static bool Contains(ReadOnlySpan<byte> haystack, string marker) =>
        haystack.IndexOf(Encoding.UTF8.GetBytes(marker)) >= 0 || haystack.IndexOf(Encoding.Unicode.GetBytes(marker)) >= 0;
}
