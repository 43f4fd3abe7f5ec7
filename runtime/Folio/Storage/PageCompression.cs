using K4os.Compression.LZ4;
using ZstdSharp;

namespace Folio.Storage;

/// <summary>How <see cref="PageCodec"/> compresses pages.</summary>
public enum PageCompression
{
    /// <summary>Pages are stored as they are.</summary>
    None = 0,

    /// <summary>LZ4 (fast level): the cheapest to compress and decompress; the default choice (<see cref="PageCodec.DefaultCompression"/>).</summary>
    Lz4 = 1,

    /// <summary>Zstandard at level 1: smaller values for a little more CPU than LZ4.</summary>
    Zstd = 2,
}

/// <summary>The compressors behind <see cref="PageCompression"/>, working span to span.</summary>
internal static class PageCompressors
{
    /// <summary>The zstd level: 1 compresses text pages almost as well as 3, at about twice the speed.</summary>
    public const int ZstdLevel = 1;

    [ThreadStatic]
    private static Compressor? t_zstdCompressor;

    [ThreadStatic]
    private static Decompressor? t_zstdDecompressor;

    /// <summary>The name <c>folio info</c> and the CLI use.</summary>
    public static string Name(PageCompression compression) => compression switch
    {
        PageCompression.None => "none",
        PageCompression.Lz4 => "lz4",
        PageCompression.Zstd => "zstd",
        _ => throw new ArgumentOutOfRangeException(nameof(compression), compression, "unknown page compression"),
    };

    /// <summary>Parses <c>none</c>, <c>lz4</c> or <c>zstd</c> (any case).</summary>
    public static bool TryParse(string text, out PageCompression compression)
    {
        foreach (var candidate in (ReadOnlySpan<PageCompression>)[PageCompression.None, PageCompression.Lz4, PageCompression.Zstd])
        {
            if (string.Equals(text, Name(candidate), StringComparison.OrdinalIgnoreCase))
            {
                compression = candidate;
                return true;
            }
        }
        compression = PageCompression.None;
        return false;
    }

    /// <summary>
    /// Compresses <paramref name="page"/> into <paramref name="destination"/>; returns the length,
    /// or 0 when the result would not fit (the page does not shrink enough to be worth it).
    /// </summary>
    public static int TryCompress(PageCompression compression, ReadOnlySpan<byte> page, Span<byte> destination)
    {
        switch (compression)
        {
            case PageCompression.Lz4:
                var length = LZ4Codec.Encode(page, destination, LZ4Level.L00_FAST);
                return length > 0 ? length : 0;
            case PageCompression.Zstd:
                var compressor = t_zstdCompressor ??= new Compressor(ZstdLevel);
                return compressor.TryWrap(page, destination, out var written) ? written : 0;
            default:
                return 0;
        }
    }

    /// <summary>Decompresses into <paramref name="page"/>; returns false unless it filled the page exactly.</summary>
    public static bool TryDecompress(PageCompression compression, ReadOnlySpan<byte> payload, Span<byte> page)
    {
        try
        {
            switch (compression)
            {
                case PageCompression.Lz4:
                    return LZ4Codec.Decode(payload, page) == page.Length;
                case PageCompression.Zstd:
                    var decompressor = t_zstdDecompressor ??= new Decompressor();
                    return decompressor.TryUnwrap(payload, page, out var written) && written == page.Length;
                default:
                    return false;
            }
        }
        catch (ZstdException)
        {
            return false; // a damaged frame; the caller names the page
        }
    }
}
