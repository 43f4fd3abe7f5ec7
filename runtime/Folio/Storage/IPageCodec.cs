namespace Folio.Storage;

/// <summary>
/// Turns a page into the value a store keeps, and back. The codec is the one place where pages
/// are transformed on their way to and from a store (checksums, compression, encryption: see
/// <see cref="PageCodec"/>), without the VFS or the stores knowing.
/// </summary>
public interface IPageCodec
{
    /// <summary>The largest encoded size of a page of <paramref name="pageSize"/> bytes.</summary>
    int MaxEncodedSize(int pageSize);

    /// <summary>
    /// Encodes <paramref name="page"/> into <paramref name="destination"/>; returns the bytes
    /// written. <paramref name="address"/> names the database, the page and the version the commit
    /// being written creates. The value should bind them, so a value moved to another page, copied
    /// from another database or put back from an older version fails to decode.
    /// </summary>
    int Encode(PageAddress address, ReadOnlySpan<byte> page, Span<byte> destination);

    /// <summary>
    /// Decodes a stored value into <paramref name="page"/> (exactly one page long).
    /// <paramref name="address"/> names the database, the page and the version the read is pinned
    /// at: a value that says it was written by a later version is refused.
    /// </summary>
    /// <returns>The version that wrote the value, or 0 when its format does not record it.</returns>
    /// <exception cref="PageCorruptException">The value fails a check; the message names <paramref name="database"/>, the page and the check.</exception>
    long Decode(string database, PageAddress address, ReadOnlySpan<byte> stored, Span<byte> page);

    /// <summary>The stages, as <c>folio info</c> and error messages show them (never any key material).</summary>
    string Describe() => "checksum";

    /// <summary>
    /// True when this codec's values carry the database's authenticated version map
    /// (<see cref="PageVersionMap"/>): every commit then writes page 0 with the map's root, and
    /// every read checks that each page is the last write of it. <see cref="PageCodec"/> sets it
    /// when it encrypts; a codec of your own leaves it false.
    /// </summary>
    bool CarriesVersionMap => false;

    /// <summary>
    /// Encodes <paramref name="page"/> with a section of the version map (bytes made by
    /// <see cref="PageVersionMap"/>) bound into the value; empty <paramref name="versionMap"/>
    /// is <see cref="Encode(PageAddress, ReadOnlySpan{byte}, Span{byte})"/>.
    /// </summary>
    /// <exception cref="NotSupportedException">A map was given to a codec that does not carry one.</exception>
    int Encode(PageAddress address, ReadOnlySpan<byte> page, ReadOnlySpan<byte> versionMap, Span<byte> destination) =>
        versionMap.IsEmpty ? Encode(address, page, destination) : throw new NotSupportedException($"{GetType().Name} does not carry a version map");

    /// <summary>
    /// Decodes as <see cref="Decode(string, PageAddress, ReadOnlySpan{byte}, Span{byte})"/> does, and
    /// hands back the version-map section the value carries (null when it carries none).
    /// </summary>
    long Decode(string database, PageAddress address, ReadOnlySpan<byte> stored, Span<byte> page, out byte[]? versionMap)
    {
        versionMap = null;
        return Decode(database, address, stored, page);
    }
}

/// <summary>
/// Where a page value belongs: its database's identity, its page number, and a version (the one
/// being committed when encoding; the one the read is pinned at when decoding).
/// </summary>
/// <param name="DatabaseId">The database's identity (<see cref="StoreLineage.DatabaseId"/>).</param>
/// <param name="PageNumber">The zero-based page number.</param>
/// <param name="Version">The version written (encode) or read (decode).</param>
public readonly record struct PageAddress(Guid DatabaseId, long PageNumber, long Version);
