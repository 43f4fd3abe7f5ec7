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
/// <para>Retained history (<see cref="Folio.Storage.IPageStoreHistory"/>), written by the commit script:</para>
/// <list type="bullet">
/// <item><c>{folio:db}:h:&lt;n&gt;</c> — a sorted set of page <c>n</c>'s past values: each member is 8 bytes
/// little-endian (the version that replaced the value, by a write or a truncation) followed by the
/// page value as it was stored (its own 8-byte header, then the encoded page); the score is the
/// version that wrote it. Version <c>V</c> reads the newest member scored at most <c>V</c>, if it was
/// replaced after <c>V</c> (else the page did not exist at <c>V</c>).</item>
/// <item><c>{folio:db}:hidx</c> — a sorted set indexing those members for collection:
/// <c>&lt;n&gt;:&lt;written&gt;:&lt;bytes&gt;</c>, scored by the version that replaced the value.</item>
/// <item><c>{folio:db}:ver</c> — a sorted set of the retained versions' records,
/// <c>version:committed-unix-ms:page-count:pages-written:bytes-written</c>, scored by version.</item>
/// <item>Meta fields <c>oldest</c> (the oldest retained version), <c>committed</c> (the last commit's
/// time: commit times never go backwards), <c>hvalues</c> and <c>hbytes</c> (running totals of the
/// members in the <c>h:</c> sets).</item>
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
        HistoryPrefix = Prefix + "h:";
        HistoryIndex = Prefix + "hidx";
        Versions = Prefix + "ver";
    }

    /// <summary>The prefix every key of the database shares (hash tag included).</summary>
    public string Prefix { get; }

    public RedisKey Meta { get; }

    public RedisKey Log { get; }

    /// <summary>The prefix of page keys; the commit script appends page numbers to it to delete truncated pages.</summary>
    public string PagePrefix { get; }

    /// <summary>The prefix of the per-page history sets; the scripts append page numbers to it.</summary>
    public string HistoryPrefix { get; }

    /// <summary>The collection index of the history sets.</summary>
    public RedisKey HistoryIndex { get; }

    /// <summary>The retained versions' records.</summary>
    public RedisKey Versions { get; }

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
