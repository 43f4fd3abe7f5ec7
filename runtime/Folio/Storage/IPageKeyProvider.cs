namespace Folio.Storage;

/// <summary>
/// The keys <see cref="PageCodec"/> encrypts pages with: AES-256 keys (32 bytes) by id. Each
/// encrypted page names the id of the key that wrote it, so keys can rotate: new writes use
/// <see cref="CurrentKeyId"/>, older pages stay readable as long as their key is still provided,
/// and <c>folio rekey</c> rewrites them under the current key.
/// </summary>
/// <remarks>
/// Implementations must be safe to call from several threads. Folio asks for a key once per key
/// id and keeps the AES state it derives, never the key bytes themselves; it never logs, prints or
/// puts a key into an exception message.
/// </remarks>
public interface IPageKeyProvider
{
    /// <summary>The id of the key new pages are encrypted with.</summary>
    uint CurrentKeyId { get; }

    /// <summary>
    /// Writes the 32-byte key <paramref name="keyId"/> into <paramref name="key"/> (32 bytes long);
    /// false when this provider does not have it.
    /// </summary>
    bool TryGetKey(uint keyId, Span<byte> key);
}
