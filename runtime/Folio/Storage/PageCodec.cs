using System.Buffers.Binary;

namespace Folio.Storage;

/// <summary>
/// The page codec pipeline: optional compression (<see cref="PageCompression"/>), then either a
/// checksum (as <see cref="ChecksumPageCodec"/>) or AES-256-GCM authenticated encryption with the
/// keys of an <see cref="IPageKeyProvider"/>. Every value records the version whose commit wrote
/// it, bound by the checksum or the authentication tag. Layout: format 3 (see docs/security.md).
/// </summary>
/// <remarks>
/// <para>A page that does not shrink under compression is stored raw, with a flag saying so.</para>
/// <para>Encryption: a random 96-bit nonce per write; the associated data is the database's
/// identity, the page number and the header (format, flags, length, writing version, key id), so a
/// value moved to another page, copied from another database, or relabelled with another version
/// fails authentication. With a key provider every page must be encrypted: a plain page (which
/// anyone with access to the store could write) is refused, unless
/// <see cref="AcceptUnencryptedPages"/> is set while an existing database is being encrypted by
/// <c>folio rekey</c>.</para>
/// <para>The codec reads everything older codecs wrote (formats 1 and 2, plain pages), so turning
/// compression on for an existing database needs no migration: pages are compressed as they are
/// rewritten.</para>
/// </remarks>
public sealed class PageCodec : IPageCodec
{
    private readonly PageCipher? _cipher;

    /// <summary>Creates a pipeline.</summary>
    /// <param name="compression">The compressor for new writes (any compressor is read).</param>
    /// <param name="keys">The keys to encrypt with; null for no encryption.</param>
    public PageCodec(PageCompression compression = PageCompression.None, IPageKeyProvider? keys = null)
    {
        if (compression is < PageCompression.None or > PageCompression.Zstd)
        {
            throw new ArgumentOutOfRangeException(nameof(compression), compression, "unknown page compression");
        }
        Compression = compression;
        _cipher = keys is null ? null : new PageCipher(keys);
    }

    /// <summary>
    /// The compressor to choose when nothing else decides: LZ4, which halves text-heavy pages for
    /// a fraction of zstd's CPU time (docs/benchmarks.md, "Page codecs"). Choose zstd where stored
    /// or transferred bytes cost more than CPU.
    /// </summary>
    public const PageCompression DefaultCompression = PageCompression.Lz4;

    /// <summary>The compressor new writes use.</summary>
    public PageCompression Compression { get; }

    /// <summary>The key provider, or null when pages are not encrypted.</summary>
    public IPageKeyProvider? Keys => _cipher?.Keys;

    /// <summary>
    /// With a key provider: read pages that are not encrypted instead of refusing them. Only for
    /// the time it takes <c>folio rekey</c> to encrypt an existing database; while it is set, a
    /// store operator can substitute plain pages.
    /// </summary>
    public bool AcceptUnencryptedPages { get; init; }

    /// <inheritdoc />
    public int MaxEncodedSize(int pageSize) => PageFormat.MaxValueSize(pageSize); // any value it may read, an encrypted one carrying a version map included

    /// <inheritdoc />
    /// <remarks>Set when the codec encrypts: the map is what lets any reader, a fresh process included, tell an older authentic copy of a page from its last write.</remarks>
    public bool CarriesVersionMap => _cipher is not null;

    /// <inheritdoc />
    public string Describe()
    {
        // In pipeline order: compression, then the checksum or the cipher (whose tag replaces it).
        var stages = new List<string>();
        if (Compression != PageCompression.None)
        {
            stages.Add(PageCompressors.Name(Compression) + (Compression == PageCompression.Zstd ? $" level {PageCompressors.ZstdLevel}" : ""));
        }
        stages.Add(_cipher is null
            ? "checksum (format 3)"
            : $"aes-256-gcm (current key id {_cipher.Keys.CurrentKeyId}{(AcceptUnencryptedPages ? ", accepting unencrypted pages" : "")})");
        return string.Join(" + ", stages);
    }

    /// <summary>Fails unless the key provider has its current key: call before anything is written.</summary>
    /// <exception cref="InvalidOperationException">The current key is missing.</exception>
    public void CheckCurrentKey(string database)
    {
        if (_cipher is not null && !_cipher.HasKey(_cipher.Keys.CurrentKeyId))
        {
            throw new InvalidOperationException(
                $"Folio database '{database}': the page key provider has no key {_cipher.Keys.CurrentKeyId}, its current key id; nothing was written");
        }
    }

    /// <inheritdoc />
    public int Encode(PageAddress address, ReadOnlySpan<byte> page, Span<byte> destination) => Encode(address, page, default, destination);

    /// <inheritdoc />
    public int Encode(PageAddress address, ReadOnlySpan<byte> page, ReadOnlySpan<byte> versionMap, Span<byte> destination)
    {
        if (!versionMap.IsEmpty && (!CarriesVersionMap || versionMap.Length > PageFormat.MaxMapBytes(page.Length)))
        {
            throw new NotSupportedException(CarriesVersionMap
                ? $"a version-map section of {versionMap.Length} bytes is larger than the {PageFormat.MaxMapBytes(page.Length)} a value carries"
                : "a codec that does not encrypt carries no version map");
        }
        var headerSize = PageFormat.HeaderSize(_cipher is not null);
        var mapRoom = versionMap.IsEmpty ? 0 : PageFormat.MapLengthSize + versionMap.Length;
        var payload = destination[(headerSize + mapRoom)..];
        byte flags = versionMap.IsEmpty ? (byte)0 : PageFormat.Mapped;
        var length = 0;
        if (Compression != PageCompression.None)
        {
            // Only a result shorter than the page is kept: otherwise the page is stored raw, flagged.
            length = PageCompressors.TryCompress(Compression, page, payload[..(page.Length - 1)]);
            flags |= length > 0 ? (byte)Compression : PageFormat.Incompressible;
        }
        if (length == 0)
        {
            page.CopyTo(payload);
            length = page.Length;
        }
        if (mapRoom > 0)
        {
            // The map travels inside the payload, so the checksum or the tag covers it with the page.
            BinaryPrimitives.WriteInt32LittleEndian(destination[headerSize..], versionMap.Length);
            versionMap.CopyTo(destination[(headerSize + PageFormat.MapLengthSize)..]);
            length += mapRoom;
        }
        payload = destination.Slice(headerSize, length);
        if (_cipher is null)
        {
            PageFormat.WriteHeader(destination, flags, length, address.Version);
            BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], PageFormat.Checksum(address.DatabaseId, address.PageNumber, destination, payload));
            return headerSize + length;
        }
        flags |= PageFormat.Encrypted;
        PageFormat.WriteHeader(destination, flags, length, address.Version);
        var keyId = _cipher.Keys.CurrentKeyId;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[16..], keyId);
        Span<byte> associated = stackalloc byte[PageFormat.AssociatedLength];
        PageFormat.Associated(address.DatabaseId, address.PageNumber, destination, associated);
        _cipher.Encrypt(null, keyId, destination.Slice(20, PageCipher.NonceSize), payload, destination.Slice(32, PageCipher.TagSize), associated);
        return headerSize + length;
    }

    /// <inheritdoc />
    public long Decode(string database, PageAddress address, ReadOnlySpan<byte> stored, Span<byte> page) => Decode(database, address, stored, page, out _);

    /// <inheritdoc />
    public long Decode(string database, PageAddress address, ReadOnlySpan<byte> stored, Span<byte> page, out byte[]? versionMap)
    {
        if (stored.Length >= 3 && stored[0] == 'F' && stored[1] == 'P' && stored[2] == PageFormat.Format)
        {
            return PageFormat.Decode(database, address, stored, page, _cipher, requireEncrypted: _cipher is not null && !AcceptUnencryptedPages, out versionMap);
        }
        versionMap = null;
        if (_cipher is not null && !AcceptUnencryptedPages && ChecksumPageCodec.IsPlainFormat(stored))
        {
            throw new PageCorruptException(database, address.PageNumber, PageCheck.Key,
                "the page is not encrypted (format 1 or 2), but this database is opened with a key provider, which requires every page to be; encrypt an existing database with folio rekey");
        }
        return ChecksumPageCodec.Instance.Decode(database, address, stored, page);
    }

    /// <summary>Parses <c>none</c>, <c>lz4</c> or <c>zstd</c> (any case), as the CLI's <c>--compression</c> takes them.</summary>
    public static bool TryParseCompression(string text, out PageCompression compression) => PageCompressors.TryParse(text, out compression);

    /// <summary>The codec for <paramref name="compression"/> and <paramref name="keys"/>: <see cref="ChecksumPageCodec.Instance"/> when neither is asked for.</summary>
    public static IPageCodec Create(PageCompression compression, IPageKeyProvider? keys) =>
        compression == PageCompression.None && keys is null ? ChecksumPageCodec.Instance : new PageCodec(compression, keys);
}
