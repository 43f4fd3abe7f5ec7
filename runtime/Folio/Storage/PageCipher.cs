using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Folio.Storage;

/// <summary>
/// AES-256-GCM over page payloads, with the keys of one <see cref="IPageKeyProvider"/>. The AES
/// state of each key is derived once and pooled (an <see cref="AesGcm"/> is used by one thread at
/// a time); the key bytes live only on the stack while that happens, and are cleared.
/// </summary>
internal sealed class PageCipher(IPageKeyProvider keys)
{
    public const int NonceSize = 12;
    public const int TagSize = 16;

    private readonly ConcurrentDictionary<uint, ConcurrentBag<AesGcm>> _pools = new();

    public IPageKeyProvider Keys { get; } = keys;

    /// <summary>True when the provider has key <paramref name="keyId"/>.</summary>
    public bool HasKey(uint keyId)
    {
        if (_pools.ContainsKey(keyId))
        {
            return true;
        }
        Span<byte> key = stackalloc byte[PageKeyRing.KeySize];
        try
        {
            return Keys.TryGetKey(keyId, key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Encrypts <paramref name="payload"/> in place with a fresh random nonce; fills <paramref name="nonce"/> and <paramref name="tag"/>.</summary>
    /// <exception cref="InvalidOperationException">The provider has no key <paramref name="keyId"/>.</exception>
    public void Encrypt(string? database, uint keyId, Span<byte> nonce, Span<byte> payload, Span<byte> tag, ReadOnlySpan<byte> associated)
    {
        NextNonce(nonce);
        var aes = Rent(keyId) ?? throw new InvalidOperationException(
            $"Folio{(database is null ? "" : $" database '{database}'")}: the page key provider has no key {keyId}, its current key id; nothing was written");
        try
        {
            aes.Encrypt(nonce, payload, payload, tag, associated);
        }
        finally
        {
            Return(keyId, aes);
        }
    }

    /// <summary>Decrypts <paramref name="payload"/> into <paramref name="plain"/>; false when authentication fails.</summary>
    /// <returns>Null when the key is missing; otherwise whether the value authenticated.</returns>
    public bool? TryDecrypt(uint keyId, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> tag, Span<byte> plain, ReadOnlySpan<byte> associated)
    {
        var aes = Rent(keyId);
        if (aes is null)
        {
            return null;
        }
        try
        {
            aes.Decrypt(nonce, payload, tag, plain, associated);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            plain.Clear();
            return false;
        }
        finally
        {
            Return(keyId, aes);
        }
    }

    // Nonces are 96 random bits each, taken from a per-thread block of random bytes refilled in
    // bulk: one call into the system's generator per 85 nonces instead of one per page.
    private const int NonceBlock = NonceSize * 85;

    [ThreadStatic]
    private static byte[]? t_nonces;

    [ThreadStatic]
    private static int t_nonceOffset;

    private static void NextNonce(Span<byte> nonce)
    {
        var block = t_nonces ??= new byte[NonceBlock];
        if (t_nonceOffset == 0)
        {
            RandomNumberGenerator.Fill(block);
        }
        var taken = block.AsSpan(t_nonceOffset, NonceSize);
        taken.CopyTo(nonce);
        taken.Clear(); // a nonce is used once: never left behind to be handed out again
        t_nonceOffset = (t_nonceOffset + NonceSize) % NonceBlock;
    }

    private AesGcm? Rent(uint keyId)
    {
        if (_pools.TryGetValue(keyId, out var pool) && pool.TryTake(out var aes))
        {
            return aes;
        }
        Span<byte> key = stackalloc byte[PageKeyRing.KeySize];
        try
        {
            return Keys.TryGetKey(keyId, key) ? new AesGcm(key, TagSize) : null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private void Return(uint keyId, AesGcm aes) => _pools.GetOrAdd(keyId, _ => []).Add(aes);
}
