using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;

namespace Folio.Storage;

/// <summary>
/// Format 3 of a stored page, written by <see cref="PageCodec"/>: a header that records the
/// version that wrote the page, then the payload, optionally compressed, then either checksummed
/// or encrypted.
/// </summary>
/// <remarks>
/// Header layout (little-endian):
/// <code>
/// 0..1    magic "FP"
/// 2       format 3
/// 3       flags: bits 0-1 compressor of the payload (0 none, 1 LZ4, 2 zstd);
///                bit 2 set when compression was asked for but the page did not shrink (stored raw);
///                bit 3 set when the payload is encrypted;
///                bit 4 set when the payload starts with a version-map section (see PageVersionMap):
///                      a 4-byte length, then the nodes; the page's own payload follows
/// 4..7    payload length
/// 8..15   the version whose commit wrote the page
/// plain (24-byte header):
/// 16..23  XxHash3 of the payload, seeded with a hash of the identity, page number and bytes 2..15
/// encrypted (48-byte header):
/// 16..19  key id
/// 20..31  nonce (random per write)
/// 32..47  AES-GCM tag; associated data: identity, page number, header bytes 2..19
/// </code>
/// </remarks>
internal static class PageFormat
{
    public const byte Format = 3;
    public const int PlainHeaderSize = 24;
    public const int EncryptedHeaderSize = 48;

    public const byte CompressorMask = 0b0011;
    public const byte Incompressible = 0b0100;
    public const byte Encrypted = 0b1000;
    public const byte Mapped = 0b1_0000;
    private const byte KnownFlags = CompressorMask | Incompressible | Encrypted | Mapped;

    /// <summary>
    /// The most version-map bytes one value of a <paramref name="pageSize"/>-byte page carries
    /// (see <see cref="VersionMapNodes"/>): half a page, at least 2 KiB. With 4 KiB pages that holds
    /// a leaf and four levels above it, a map of 32^5 pages (128 GiB).
    /// </summary>
    public static int MaxMapBytes(int pageSize) => Math.Max(pageSize / 2, 2048);

    /// <summary>The largest value of a <paramref name="pageSize"/>-byte page in format 3, a version map included: what a reader must have room for.</summary>
    public static int MaxValueSize(int pageSize) => EncryptedHeaderSize + pageSize + MapLengthSize + MaxMapBytes(pageSize);

    /// <summary>The bytes before a carried map: its length.</summary>
    public const int MapLengthSize = 4;

    private const int AssociatedSize = 16 + 8 + 18;

    public static int HeaderSize(bool encrypted) => encrypted ? EncryptedHeaderSize : PlainHeaderSize;

    /// <summary>Writes bytes 0..15 of the header.</summary>
    public static void WriteHeader(Span<byte> destination, byte flags, int payloadLength, long version)
    {
        destination[0] = (byte)'F';
        destination[1] = (byte)'P';
        destination[2] = Format;
        destination[3] = flags;
        BinaryPrimitives.WriteInt32LittleEndian(destination[4..], payloadLength);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], version);
    }

    /// <summary>The checksum of a plain format-3 value: binds identity, page, flags, length and version.</summary>
    public static ulong Checksum(Guid databaseId, long pageNumber, ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload)
    {
        Span<byte> seed = stackalloc byte[16 + 8 + 14];
        databaseId.TryWriteBytes(seed);
        BinaryPrimitives.WriteInt64LittleEndian(seed[16..], pageNumber);
        header[2..16].CopyTo(seed[24..]);
        return XxHash3.HashToUInt64(payload, (long)XxHash3.HashToUInt64(seed));
    }

    /// <summary>The AES-GCM associated data: identity, page number, and header bytes 2..19 (format, flags, length, version, key id).</summary>
    public static void Associated(Guid databaseId, long pageNumber, ReadOnlySpan<byte> header, Span<byte> associated)
    {
        databaseId.TryWriteBytes(associated);
        BinaryPrimitives.WriteInt64LittleEndian(associated[16..], pageNumber);
        header[2..20].CopyTo(associated[24..]);
    }

    public static int AssociatedLength => AssociatedSize;

    /// <summary>Decodes a format-3 value (the caller checked the magic and format byte).</summary>
    /// <param name="database">For messages.</param>
    /// <param name="address">Identity, page, and the version the read is pinned at.</param>
    /// <param name="stored">The value.</param>
    /// <param name="page">Receives the page.</param>
    /// <param name="cipher">The keys, or null when the reader has none.</param>
    /// <param name="requireEncrypted">Refuse a value that is not encrypted.</param>
    /// <param name="map">Receives the version-map section the value carries, or null.</param>
    /// <returns>The version that wrote the value.</returns>
    public static long Decode(string database, PageAddress address, ReadOnlySpan<byte> stored, Span<byte> page, PageCipher? cipher, bool requireEncrypted, out byte[]? map)
    {
        map = null;
        var number = address.PageNumber;
        if (stored.Length < PlainHeaderSize)
        {
            throw new PageCorruptException(database, number, PageCheck.Header, $"the stored value ({stored.Length} bytes) is shorter than a format 3 header");
        }
        var flags = stored[3];
        var encrypted = (flags & Encrypted) != 0;
        var mapped = (flags & Mapped) != 0;
        var compressor = (PageCompression)(flags & CompressorMask);
        if ((flags & ~KnownFlags) != 0 || compressor > PageCompression.Zstd || (compressor != PageCompression.None && (flags & Incompressible) != 0))
        {
            throw new PageCorruptException(database, number, PageCheck.Header, $"unknown flags {flags:x2} in a format 3 header");
        }
        var headerSize = HeaderSize(encrypted);
        var length = BinaryPrimitives.ReadInt32LittleEndian(stored[4..]);
        var mapRoom = mapped ? MapLengthSize + MaxMapBytes(page.Length) : 0;
        if (stored.Length < headerSize || length != stored.Length - headerSize || length > page.Length + mapRoom
            || (mapped && length < MapLengthSize)
            || (compressor == PageCompression.None && !mapped && length != page.Length))
        {
            throw new PageCorruptException(database, number, PageCheck.Header,
                $"the header says {length} payload bytes, the value holds {stored.Length - Math.Min(stored.Length, headerSize)}, the page size is {page.Length}");
        }
        var written = BinaryPrimitives.ReadInt64LittleEndian(stored[8..]);
        var payload = stored[headerSize..];
        if (!encrypted)
        {
            if (requireEncrypted)
            {
                throw new PageCorruptException(database, number, PageCheck.Key,
                    "the page is not encrypted, but this database is opened with a key provider, which requires every page to be; anyone with access to the store can write a page that is not");
            }
            var expected = BinaryPrimitives.ReadUInt64LittleEndian(stored[16..]);
            var actual = Checksum(address.DatabaseId, number, stored, payload);
            if (expected != actual)
            {
                throw new PageCorruptException(database, number, PageCheck.Checksum,
                    $"stored {expected:x16}, computed {actual:x16} for database identity {address.DatabaseId:D}; the page is damaged, stored under another page's key, or copied from another database");
            }
            CheckVersion(database, number, written, address.Version);
            Expand(database, number, compressor, Unmap(database, number, mapped, payload, page.Length, compressor, out map), page);
            return written;
        }
        var keyId = BinaryPrimitives.ReadUInt32LittleEndian(stored[16..]);
        if (cipher is null)
        {
            throw new PageCorruptException(database, number, PageCheck.Key,
                $"the page is encrypted with key {keyId}, and this database was opened without a key provider (FolioOptions.Codec, or --key-file)");
        }
        Span<byte> associated = stackalloc byte[AssociatedSize];
        Associated(address.DatabaseId, number, stored, associated);
        var rented = compressor == PageCompression.None && !mapped ? null : ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var plain = rented is null ? page : rented.AsSpan(0, length);
            var result = cipher.TryDecrypt(keyId, stored.Slice(20, PageCipher.NonceSize), payload, stored.Slice(32, PageCipher.TagSize), plain[..length], associated);
            Authenticated(database, address, number, result, keyId, written, cipher);
            CheckVersion(database, number, written, address.Version);
            if (rented is not null)
            {
                Expand(database, number, compressor, Unmap(database, number, mapped, plain, page.Length, compressor, out map), page);
            }
            return written;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Splits a mapped payload into its map section (copied out) and the page's own payload; an unmapped one is returned whole.</summary>
    private static ReadOnlySpan<byte> Unmap(string database, long number, bool mapped, ReadOnlySpan<byte> payload, int pageSize, PageCompression compressor, out byte[]? map)
    {
        map = null;
        if (!mapped)
        {
            return payload;
        }
        var mapLength = BinaryPrimitives.ReadInt32LittleEndian(payload);
        var rest = payload.Length - MapLengthSize - mapLength;
        if (mapLength <= 0 || mapLength > MaxMapBytes(pageSize) || rest <= 0 || rest > pageSize || (compressor == PageCompression.None && rest != pageSize))
        {
            throw new PageCorruptException(database, number, PageCheck.Header,
                $"the version map section says {mapLength} bytes, which leaves {rest} of the {payload.Length}-byte payload for a page of {pageSize} bytes");
        }
        map = payload.Slice(MapLengthSize, mapLength).ToArray();
        return payload[(MapLengthSize + mapLength)..];
    }

    private static void Authenticated(string database, PageAddress address, long number, bool? result, uint keyId, long written, PageCipher cipher)
    {
        if (result is null)
        {
            throw new PageCorruptException(database, number, PageCheck.Key,
                $"the page is encrypted with key {keyId}, which the key provider does not have (current key {cipher.Keys.CurrentKeyId})");
        }
        if (result == false)
        {
            throw new PageCorruptException(database, number, PageCheck.Authentication,
                $"AES-GCM rejected the value for database identity {address.DatabaseId:D}, page {number}, written at version {written} under key {keyId}: it was altered, moved from another page, copied from another database, or the key is wrong");
        }
    }

    private static void CheckVersion(string database, long number, long written, long pinned)
    {
        if (written > pinned || written <= 0)
        {
            throw new PageCorruptException(database, number, PageCheck.Version,
                $"the value says version {written} wrote it, but the read is at version {pinned}: it comes from another history of the database, not this one");
        }
    }

    private static void Expand(string database, long number, PageCompression compressor, ReadOnlySpan<byte> payload, Span<byte> page)
    {
        if (compressor == PageCompression.None)
        {
            payload.CopyTo(page);
        }
        else if (!PageCompressors.TryDecompress(compressor, payload, page))
        {
            throw new PageCorruptException(database, number, PageCheck.Decompression,
                $"the {PageCompressors.Name(compressor)} payload of {payload.Length} bytes does not expand to one page of {page.Length} bytes");
        }
    }
}
