using Folio.Storage;

namespace Folio.Cli;

/// <summary>The page codec a command's <c>--compression</c> and <c>--key-file</c> ask for.</summary>
internal static class CodecOptions
{
    /// <summary>The codec for the command line: the plain checksum codec when neither option is given.</summary>
    /// <exception cref="UsageException">An unknown compressor.</exception>
    /// <exception cref="CliDataException">The key file cannot be read or holds no valid key (the message never shows key material).</exception>
    public static IPageCodec Parse(CommandLine line)
    {
        var compression = PageCompression.None;
        if (line.Value("compression") is { } name && !PageCodec.TryParseCompression(name, out compression))
        {
            throw new UsageException($"--compression takes none, lz4 or zstd, not '{name}'");
        }
        IPageKeyProvider? keys = null;
        if (line.Value("key-file") is { } path)
        {
            try
            {
                keys = PageKeyRing.FromFile(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                throw new CliDataException($"--key-file: {e.Message}");
            }
        }
        return PageCodec.Create(compression, keys);
    }
}
