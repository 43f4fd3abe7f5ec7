using System.Globalization;
using StackExchange.Redis;

namespace Folio.Redis;

/// <summary>
/// The key layout of one database. Every key starts with the hash tag <c>{folio:&lt;database&gt;}</c>,
/// so Redis Cluster keeps the whole database in one slot (scripts may touch all of it atomically)
/// while different databases spread over the cluster's masters.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>{folio:db}:meta</c> — a hash: <c>page_size</c>, <c>pages</c> (page count), <c>version</c>, <c>format</c>.</item>
/// <item><c>{folio:db}:log</c> — a list of <c>version:changed-pages</c> entries, oldest first, trimmed to the configured length.</item>
/// <item><c>{folio:db}:p:&lt;n&gt;</c> — page <c>n</c>: 8 bytes little-endian (the version that wrote it), then the encoded page.</item>
/// </list>
/// </remarks>
internal sealed class RedisKeys
{
    public RedisKeys(string database)
    {
        Prefix = "{folio:" + database + "}:";
        Meta = Prefix + "meta";
        Log = Prefix + "log";
        PagePrefix = Prefix + "p:";
    }

    /// <summary>The prefix every key of the database shares (hash tag included).</summary>
    public string Prefix { get; }

    public RedisKey Meta { get; }

    public RedisKey Log { get; }

    /// <summary>The prefix of page keys; the commit script appends page numbers to it to delete truncated pages.</summary>
    public string PagePrefix { get; }

    public RedisKey Page(long number) => PagePrefix + number.ToString(CultureInfo.InvariantCulture);

    /// <summary>Throws when <paramref name="database"/> cannot be a Folio database name in Redis.</summary>
    public static void ValidateName(string database)
    {
        ArgumentException.ThrowIfNullOrEmpty(database);
        foreach (var c in database)
        {
            // A brace would end the hash tag early; control characters make keys unreadable in redis-cli.
            if (c is '{' or '}' || char.IsControl(c))
            {
                throw new ArgumentException(
                    $"Folio database name '{database}' cannot be stored in Redis: it contains '{(char.IsControl(c) ? $"\\u{(int)c:x4}" : c)}'. Use a name without braces or control characters.",
                    nameof(database));
            }
        }
    }
}
