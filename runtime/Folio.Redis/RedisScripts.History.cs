namespace Folio.Redis;

/// <summary>
/// Lua functions the history scripts share, written for both Redis's Lua 5.1 and Garnet's Lua
/// (no <c>struct</c> or <c>string.unpack</c>: the 8-byte headers are decoded with
/// <c>string.byte</c>, exact for versions below 2^53).
/// </summary>
internal static class HistoryLua
{
    /// <summary><c>written(s)</c>: the version in a value's 8-byte little-endian header, -1 when the value is shorter.</summary>
    public const string Written = """
        local function written(s)
          if #s < 8 then return -1 end
          local a, b, c, d, e, f, g, h = string.byte(s, 1, 8)
          return ((((((h * 256 + g) * 256 + f) * 256 + e) * 256 + d) * 256 + c) * 256 + b) * 256 + a
        end
        """;

    /// <summary>
    /// <c>inForce(ver, ms)</c>: the record of the newest retained version committed at or before
    /// <c>ms</c>, or false. A binary search over the ranks of <c>ver</c> (commit times never go
    /// backwards, as the commit script keeps them): O(log² n) for n retained versions.
    /// </summary>
    public const string InForce = """
        local function inForce(ver, ms)
          local low, high = 0, redis.call('ZCARD', ver) - 1
          local found = false
          while low <= high do
            local middle = math.floor((low + high) / 2)
            local record = redis.call('ZRANGE', ver, middle, middle)[1]
            if tonumber(string.match(record, '^%d+:(%d+):')) <= ms then
              found = record
              low = middle + 1
            else
              high = middle - 1
            end
          end
          return found
        end
        """;
}

internal sealed partial class RedisScript
{
    /// <summary>
    /// Starts a read of a past version. KEYS: meta, ver. ARGV: the version.
    /// Returns nil when the database is gone, else [retained (1 or 0), current version, page count
    /// at the version (when retained), id, epoch, oldest retained version].
    /// </summary>
    public static readonly RedisScript BeginReadAt = new("""
        #!lua flags=no-writes
        local head = redis.call('HMGET', KEYS[1], 'version', 'pages', 'id', 'epoch', 'oldest')
        if not head[1] then return nil end
        local at = tonumber(ARGV[1])
        local version = tonumber(head[1])
        local oldest = math.min(tonumber(head[5]) or version, version)
        local range = string.format('%d', oldest)
        if at == version then return {1, head[1], head[2], head[3], head[4], range} end
        if at < oldest or at > version then return {0, head[1], '0', head[3], head[4], range} end
        local record = redis.call('ZRANGEBYSCORE', KEYS[2], ARGV[1], ARGV[1])[1]
        if not record then return {0, head[1], '0', head[3], head[4], range} end
        return {1, head[1], string.match(record, '^%d+:%d+:(%d+):'), head[3], head[4], range}
        """);

    /// <summary>
    /// Reads pages as they were at a past version. KEYS: meta, then the page keys. ARGV: the
    /// version, the page-key prefix, the history-key prefix. Returns [] when the database is gone,
    /// else [current version, oldest retained, id, epoch], followed by one value per page (nil:
    /// none at that version) only when the version is still retained.
    /// </summary>
    public static readonly RedisScript ReadPagesAt = new($$"""
        #!lua flags=no-writes
        {{HistoryLua.Written}}
        local head = redis.call('HMGET', KEYS[1], 'version', 'oldest', 'id', 'epoch')
        if not head[1] then return {} end
        local at = tonumber(ARGV[1])
        local version = tonumber(head[1])
        local oldest = math.min(tonumber(head[2]) or version, version)
        local result = {head[1], string.format('%d', oldest), head[3], head[4]}
        if at < oldest or at > version then return result end
        local prefixLength = #ARGV[2]
        for i = 2, #KEYS do
          local value = redis.call('GET', KEYS[i])
          if not value or written(value) > at then
            value = redis.call('ZREVRANGEBYSCORE', ARGV[3] .. string.sub(KEYS[i], prefixLength + 1), ARGV[1], '-inf', 'LIMIT', 0, 1)[1]
            if value and written(value) > at then value = string.sub(value, 9) else value = false end
          end
          result[i + 3] = value
        end
        return result
        """);

    /// <summary>The record of the version in force at a time. KEYS: meta (declared first like every script's), ver. ARGV: unix ms. Returns the record or nil.</summary>
    public static readonly RedisScript FindVersionAt = new($$"""
        #!lua flags=no-writes
        {{HistoryLua.InForce}}
        return inForce(KEYS[2], tonumber(ARGV[1]))
        """);

    /// <summary>What the history costs. KEYS: meta, ver. Returns [values, bytes, versions].</summary>
    public static readonly RedisScript HistoryUsage = new("""
        #!lua flags=no-writes
        local totals = redis.call('HMGET', KEYS[1], 'hvalues', 'hbytes')
        return {tonumber(totals[1]) or 0, tonumber(totals[2]) or 0, redis.call('ZCARD', KEYS[2])}
        """);
}
