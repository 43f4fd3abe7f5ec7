using Folio.Storage;
using Microsoft.Extensions.Configuration;

namespace DurableGrains;

/// <summary>
/// The page codec ledgers are written with, from configuration: <c>Ledger:KeyFile</c> names a
/// Folio key file (lines <c>&lt;id&gt; &lt;base64 key&gt;</c>, the highest id current) and turns
/// on AES-256-GCM; <c>Ledger:Compression</c> is <c>none</c>, <c>lz4</c> (the default with a key
/// file) or <c>zstd</c>. A silo reads its configuration from <c>FOLIO_</c> environment variables
/// too, so <c>FOLIO_LEDGER__KEYFILE=/run/secrets/ledger.keys</c> encrypts every ledger.
/// </summary>
public static class LedgerCodec
{
    /// <summary>The configuration key naming the key file.</summary>
    public const string KeyFileKey = "Ledger:KeyFile";

    /// <summary>The configuration key naming the compressor.</summary>
    public const string CompressionKey = "Ledger:Compression";

    /// <summary>The codec <paramref name="configuration"/> asks for, or null for Folio's default (plain pages).</summary>
    /// <exception cref="InvalidOperationException">The key file cannot be read or a setting is invalid; the message never holds a key.</exception>
    public static PageCodec? FromConfiguration(IConfiguration? configuration)
    {
        var keyFile = configuration?[KeyFileKey];
        var compressionName = configuration?[CompressionKey];
        var compression = PageCodec.DefaultCompression;
        if (compressionName is not null && !PageCodec.TryParseCompression(compressionName, out compression))
        {
            throw new InvalidOperationException($"{CompressionKey} is '{compressionName}'; it takes none, lz4 or zstd.");
        }
        if (string.IsNullOrEmpty(keyFile))
        {
            return compressionName is null || compression == PageCompression.None ? null : new PageCodec(compression);
        }
        try
        {
            return new PageCodec(compression, PageKeyRing.FromFile(keyFile));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            throw new InvalidOperationException($"{KeyFileKey}: {e.Message}", e);
        }
    }
}
