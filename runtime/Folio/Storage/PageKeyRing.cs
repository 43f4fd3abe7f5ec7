using System.Globalization;
using System.Security.Cryptography;

namespace Folio.Storage;

/// <summary>
/// A set of AES-256 page keys held in memory, usually read from a key file
/// (<see cref="FromFile"/>). The current key is the one with the highest id, so rotating a key
/// means appending a line with a higher id.
/// </summary>
/// <remarks>
/// A key file holds one key per line, <c>&lt;id&gt; &lt;base64 of 32 bytes&gt;</c> (a colon may
/// stand for the space); blank lines and lines starting with <c>#</c> are ignored:
/// <code>
/// # folio page keys
/// 1 q7C0m1hbOWuJ3jXQ2P9m0xv4t1lY2xR0bN8v7cQ6e4U=
/// 2 9W3hK2x0dVZbq1rP7m0yJ5s8cX2uA4oL6tN1eR3iG0E=
/// </code>
/// Error messages name the file and the line, never what the line holds.
/// </remarks>
public sealed class PageKeyRing : IPageKeyProvider
{
    /// <summary>The size of an AES-256 key in bytes.</summary>
    public const int KeySize = 32;

    private readonly Dictionary<uint, byte[]> _keys;

    /// <summary>Creates a ring over <paramref name="keys"/> (each 32 bytes; copied).</summary>
    /// <exception cref="ArgumentException">No keys, or a key that is not 32 bytes.</exception>
    public PageKeyRing(IEnumerable<KeyValuePair<uint, byte[]>> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = new Dictionary<uint, byte[]>();
        foreach (var (id, key) in keys)
        {
            if (key is null || key.Length != KeySize)
            {
                throw new ArgumentException($"page key {id} is not {KeySize} bytes long", nameof(keys));
            }
            if (!_keys.TryAdd(id, (byte[])key.Clone()))
            {
                throw new ArgumentException($"page key {id} is given twice", nameof(keys));
            }
        }
        if (_keys.Count == 0)
        {
            throw new ArgumentException("a key ring needs at least one key", nameof(keys));
        }
        CurrentKeyId = _keys.Keys.Max();
    }

    /// <inheritdoc />
    public uint CurrentKeyId { get; }

    /// <summary>The ids this ring holds, ascending.</summary>
    public IReadOnlyList<uint> KeyIds => [.. _keys.Keys.Order()];

    /// <inheritdoc />
    public bool TryGetKey(uint keyId, Span<byte> key)
    {
        if (!_keys.TryGetValue(keyId, out var value) || key.Length != KeySize)
        {
            return false;
        }
        value.CopyTo(key);
        return true;
    }

    /// <summary>A new random key, for a key file or a test.</summary>
    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(KeySize);

    /// <summary>One key file line for <paramref name="key"/>.</summary>
    public static string FormatLine(uint keyId, ReadOnlySpan<byte> key) =>
        keyId.ToString(CultureInfo.InvariantCulture) + " " + Convert.ToBase64String(key);

    /// <summary>Reads a key file (see the remarks for its format).</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="FormatException">A line is not a key; the message names the file and line only.</exception>
    public static PageKeyRing FromFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(File.ReadAllText(path), $"key file '{path}'");
    }

    /// <summary>Parses key file text; <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="FormatException">A line is not a key, an id repeats, or there is no key.</exception>
    public static PageKeyRing Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var keys = new Dictionary<uint, byte[]>();
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var split = line.IndexOfAny([' ', '\t', ':']);
            var key = new byte[KeySize];
            if (split <= 0
                || !uint.TryParse(line.AsSpan(0, split), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                || !Convert.TryFromBase64String(line[(split + 1)..].Trim(), key, out var written)
                || written != KeySize)
            {
                throw new FormatException($"{source}, line {number}: expected '<id> <base64 of {KeySize} bytes>'");
            }
            if (!keys.TryAdd(id, key))
            {
                throw new FormatException($"{source}, line {number}: key id {id} is given twice");
            }
        }
        if (keys.Count == 0)
        {
            throw new FormatException($"{source} holds no key");
        }
        return new PageKeyRing(keys);
    }

    /// <summary>The ids and the current one; never the keys.</summary>
    public override string ToString() => $"page key ring (ids {string.Join(", ", KeyIds)}; current {CurrentKeyId})";
}
