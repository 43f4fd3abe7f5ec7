namespace Folio.Storage;

/// <summary>
/// Turns a page into the value a store keeps, and back. The codec is the one place where pages
/// are transformed on their way to and from a store: checksums today; compression or encryption
/// can plug in here without the VFS or the stores knowing.
/// </summary>
public interface IPageCodec
{
    /// <summary>The largest encoded size of a page of <paramref name="pageSize"/> bytes.</summary>
    int MaxEncodedSize(int pageSize);

    /// <summary>
    /// Encodes <paramref name="page"/> (page number <paramref name="pageNumber"/> of the database
    /// whose identity is <paramref name="databaseId"/>) into <paramref name="destination"/>;
    /// returns the bytes written. The value should bind the identity and the page number, so a
    /// value moved to another page or copied from another database fails to decode.
    /// </summary>
    int Encode(Guid databaseId, long pageNumber, ReadOnlySpan<byte> page, Span<byte> destination);

    /// <summary>
    /// Decodes a stored value into <paramref name="page"/> (exactly one page long).
    /// </summary>
    /// <exception cref="PageCorruptException">The value fails its check; the message names <paramref name="database"/> and the page.</exception>
    void Decode(string database, Guid databaseId, long pageNumber, ReadOnlySpan<byte> stored, Span<byte> page);
}
