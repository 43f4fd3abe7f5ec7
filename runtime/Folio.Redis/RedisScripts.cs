using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace Folio.Redis;

/// <summary>
/// The Lua scripts that make every store operation one atomic round trip. Each is called by its
/// SHA1 (EVALSHA); a server that does not know it yet (first use, restart, failover) answers
/// NOSCRIPT, and the script is then sent once in full with EVAL, which runs it and leaves it in
/// that server's script cache for the next EVALSHA.
/// </summary>
/// <remarks>
/// The <c>#!lua</c> shebang (Redis 7+) matters: a script declared with it that may write is refused
/// before it starts when Redis is out of memory, instead of failing halfway after some pages were
/// already written. Scripts without writes say so (<c>no-writes</c>) and also run on replicas.
/// Garnet refuses any shebang: a store on Garnet sends <see cref="PlainText"/> instead (see
/// <c>RedisServerDialect</c> and the Garnet section of docs/store-contract.md).
/// Keys of truncated pages are built inside the commit script from the page-key prefix; they carry
/// the database's hash tag, so they live in the same cluster slot as the declared keys.
/// </remarks>
internal sealed partial class RedisScript
{
    /// <summary>
    /// Creates or opens a database. KEYS: meta. ARGV: page size, format, a fresh identity (used
    /// when the database is created, or when one made before identities existed has none yet),
    /// the owner token ('' when not opened owned; otherwise it claims the database), the format
    /// before history (a database still in it is upgraded to the current format).
    /// Returns [page_size, format, version, pages, id, epoch].
    /// </summary>
    public static readonly RedisScript Open = new("""
        #!lua
        if redis.call('EXISTS', KEYS[1]) == 0 then
          redis.call('HSET', KEYS[1], 'page_size', ARGV[1], 'format', ARGV[2], 'version', '0', 'pages', '0', 'id', ARGV[3], 'epoch', '0')
        elseif redis.call('HEXISTS', KEYS[1], 'id') == 0 then
          redis.call('HSET', KEYS[1], 'id', ARGV[3], 'epoch', '0')
        end
        if redis.call('HGET', KEYS[1], 'format') == ARGV[5] then redis.call('HSET', KEYS[1], 'format', ARGV[2]) end
        if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'owner', ARGV[4]) end
        return redis.call('HMGET', KEYS[1], 'page_size', 'format', 'version', 'pages', 'id', 'epoch')
        """);

    /// <summary>
    /// Starts a read. KEYS: meta, log, page 0. ARGV: the version the caller's cache knows.
    /// Returns nil when the database is gone, else [version, pages, id, epoch, listed, page 0, entries…]:
    /// listed is 1 when the entries (possibly none) are every commit since the known version, 0 when
    /// the log cannot tell; page 0 comes along (nil when unchanged) because SQLite reads its change
    /// counter first in every transaction and every commit rewrites it.
    /// </summary>
    public static readonly RedisScript BeginRead = new("""
        #!lua flags=no-writes
        local head = redis.call('HMGET', KEYS[1], 'version', 'pages', 'id', 'epoch')
        if not head[1] then return nil end
        local version = tonumber(head[1])
        local known = tonumber(ARGV[1])
        if known == version then return {head[1], head[2], head[3], head[4], 1, false} end
        local header = redis.call('GET', KEYS[3])
        local missing = version - known
        if known <= 0 or missing < 0 or missing > redis.call('LLEN', KEYS[2]) then
          return {head[1], head[2], head[3], head[4], 0, header}
        end
        local result = {head[1], head[2], head[3], head[4], 1, header}
        local entries = redis.call('LRANGE', KEYS[2], -missing, -1)
        for i = 1, #entries do result[i + 6] = entries[i] end
        return result
        """);

    /// <summary>
    /// Reads pages with the current version. KEYS: meta, then the page keys.
    /// Returns [version or nil, value or nil…].
    /// </summary>
    public static readonly RedisScript ReadPages = new("""
        #!lua flags=no-writes
        local result = {redis.call('HGET', KEYS[1], 'version')}
        for i = 2, #KEYS do result[i] = redis.call('GET', KEYS[i]) end
        return result
        """);

    /// <summary>
    /// Commits a batch. KEYS: meta, log, ver, hidx, then the written page keys. ARGV: expected
    /// version, new page count, change-log length, page-key prefix, changed pages (log text),
    /// expected id, expected epoch, owner token ('' for a shared-mode writer), past versions to keep
    /// (0: no history), the most age a retained version may have in ms (0: no limit), the
    /// committer's clock in unix ms, the new version as 8 bytes little-endian, the history-key
    /// prefix, the bytes written, then one value per written page.
    /// Returns [1, new version] when applied, [0, actual version] on a conflict, [-1] when the
    /// database is gone, [-2, version, id, epoch] when it is another history (another identity or
    /// epoch), [-3, version] when an owner's claim was taken over by another owner.
    /// </summary>
    /// <remarks>
    /// With history on, every value the commit overwrites or cuts off moves into its page's
    /// <c>h:</c> set (prefixed with the new version, which replaced it) and into the collection
    /// index. Every commit records its version, works out the oldest version to keep exactly as
    /// <see cref="Folio.Storage.HistoryRetention.OldestToKeep"/> does (never below the oldest an
    /// earlier commit kept, so a writer that keeps more cannot claim what one that keeps less
    /// dropped), and collects at most 64 + 2 × the pages it writes and cuts off: the cost stays
    /// bounded by the pages it writes and deletes. Everything that reads and parses stored data
    /// runs before the first write, so a malformed entry fails the commit before it changed
    /// anything, on Garnet too (which does not roll a script back).
    /// </remarks>
    public static readonly RedisScript Commit = new($$"""
        #!lua
        {{HistoryLua.Written}}
        {{HistoryLua.InForce}}
        local head = redis.call('HMGET', KEYS[1], 'version', 'pages', 'id', 'epoch', 'owner', 'committed', 'oldest')
        if not head[1] then return {-1} end
        if head[3] ~= ARGV[6] or head[4] ~= ARGV[7] then return {-2, head[1], head[3], head[4]} end
        if ARGV[8] ~= '' and head[5] ~= ARGV[8] then return {-3, head[1]} end
        local version = tonumber(head[1])
        if version ~= tonumber(ARGV[1]) then return {0, head[1]} end
        local newCount = tonumber(ARGV[2])
        local oldCount = tonumber(head[2])
        local newVersion = string.format('%d', version + 1)
        local keep = tonumber(ARGV[9])
        local committed = tonumber(ARGV[11])
        if head[6] and tonumber(head[6]) > committed then committed = tonumber(head[6]) end
        local stamp = string.format('%d', committed)
        local oldest = version + 1 - keep
        if oldest < 1 then oldest = 1 end
        local maxAge = tonumber(ARGV[10])
        if maxAge > 0 then
          local record = inForce(KEYS[3], committed - maxAge)
          if record then
            local byAge = tonumber(string.match(record, '^(%d+):'))
            if byAge > oldest then oldest = math.min(byAge, version + 1) end
          end
        end
        local floor = tonumber(head[7]) or (version + 1)
        if oldest < floor then oldest = floor end
        local cut = 0
        if newCount < oldCount then cut = oldCount - newCount end
        local limit = 64
        if keep > 0 then limit = 64 + 2 * (#KEYS - 4 + cut) end
        local due = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', string.format('%d', oldest), 'LIMIT', 0, limit)
        local collect = {}
        local freed = 0
        for i = 1, #due do
          local n, w, size = string.match(due[i], '^(%d+):(%d+):(%d+)$')
          if not size then return redis.error_reply('malformed history index entry ' .. due[i]) end
          collect[i] = {n, w}
          freed = freed + tonumber(size)
        end
        local added, addedBytes = 0, 0
        local function retain(n, key)
          local old = redis.call('GET', key)
          if not old then return end
          local w = written(old)
          if w < 0 then return end
          local member = ARGV[12] .. old
          local score = string.format('%d', w)
          redis.call('ZADD', ARGV[13] .. n, score, member)
          redis.call('ZADD', KEYS[4], newVersion, n .. ':' .. score .. ':' .. string.format('%d', #member))
          added = added + 1
          addedBytes = addedBytes + #member
        end
        local prefixLength = #ARGV[4]
        for i = 5, #KEYS do
          if keep > 0 then retain(string.sub(KEYS[i], prefixLength + 1), KEYS[i]) end
          redis.call('SET', KEYS[i], ARGV[i + 10])
        end
        local changes = ARGV[5]
        if cut > 0 then
          for p = newCount, oldCount - 1 do
            local n = string.format('%d', p)
            if keep > 0 then retain(n, ARGV[4] .. n) end
            redis.call('DEL', ARGV[4] .. n)
          end
          if changes ~= '*' then
            local range = string.format('%d-%d', newCount, oldCount - 1)
            if changes == '' then changes = range else changes = changes .. ',' .. range end
          end
        end
        redis.call('ZADD', KEYS[3], newVersion, newVersion .. ':' .. stamp .. ':' .. ARGV[2] .. ':' .. string.format('%d', #KEYS - 4) .. ':' .. ARGV[14])
        redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. string.format('%d', oldest))
        for i = 1, #due do
          redis.call('ZREMRANGEBYSCORE', ARGV[13] .. collect[i][1], collect[i][2], collect[i][2])
          redis.call('ZREM', KEYS[4], due[i])
        end
        redis.call('HSET', KEYS[1], 'version', newVersion, 'pages', ARGV[2], 'oldest', string.format('%d', oldest), 'committed', stamp)
        if added > 0 or #due > 0 then
          redis.call('HINCRBY', KEYS[1], 'hvalues', added - #due)
          redis.call('HINCRBY', KEYS[1], 'hbytes', addedBytes - freed)
        end
        redis.call('RPUSH', KEYS[2], newVersion .. ':' .. changes)
        redis.call('LTRIM', KEYS[2], -tonumber(ARGV[3]), -1)
        return {1, newVersion}
        """);

    private RedisScript(string text)
    {
        Text = text.ReplaceLineEndings("\n");
        Sha1 = SHA1.HashData(Encoding.UTF8.GetBytes(Text));
        PlainText = Text[(Text.IndexOf('\n', StringComparison.Ordinal) + 1)..];
        PlainSha1 = SHA1.HashData(Encoding.UTF8.GetBytes(PlainText));
    }

    /// <summary>The script's source, with its <c>#!lua</c> shebang and flags.</summary>
    public string Text { get; }

    /// <summary>The SHA1 Redis knows the script by.</summary>
    public byte[] Sha1 { get; }

    /// <summary>
    /// The same script without its shebang line, for servers that refuse shebangs (Garnet): what
    /// the flags protected there is covered as the Garnet section of docs/store-contract.md says.
    /// </summary>
    public string PlainText { get; }

    /// <summary>The SHA1 of <see cref="PlainText"/>.</summary>
    public byte[] PlainSha1 { get; }

    /// <summary>
    /// Runs the script for <paramref name="store"/>: EVALSHA, and on NOSCRIPT one EVAL with the full
    /// text. The variant (with or without shebang) is the one the store's server accepts
    /// (<see cref="RedisPageStore.ScriptFlags"/>).
    /// </summary>
    /// <param name="store">The store: its Redis database, its round-trip counter and its server's dialect.</param>
    /// <param name="keys">The keys (all with the same hash tag).</param>
    /// <param name="values">The arguments.</param>
    public RedisResult Evaluate(RedisPageStore store, RedisKey[] keys, RedisValue[] values)
    {
        var flags = store.ScriptFlags;
        store.CountRoundTrip();
        try
        {
            return store.Redis.ScriptEvaluate(flags ? Sha1 : PlainSha1, keys, values, CommandFlags.None);
        }
        catch (RedisServerException e) when (IsNoScript(e))
        {
            store.CountRoundTrip();
            return store.Redis.ScriptEvaluate(flags ? Text : PlainText, keys, values, CommandFlags.NoScriptCache);
        }
    }

    /// <summary>The asynchronous twin of <see cref="Evaluate"/>: no thread waits for Redis.</summary>
    public async Task<RedisResult> EvaluateAsync(RedisPageStore store, RedisKey[] keys, RedisValue[] values)
    {
        try
        {
            return await Send(store, keys, values, full: false).ConfigureAwait(false);
        }
        catch (RedisServerException e) when (IsNoScript(e))
        {
            return await Send(store, keys, values, full: true).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Hands the script to the connection and returns without waiting (one counted round trip):
    /// by its SHA1, or with <paramref name="full"/> its whole text, which the server then caches.
    /// </summary>
    public Task<RedisResult> Send(RedisPageStore store, RedisKey[] keys, RedisValue[] values, bool full)
    {
        var flags = store.ScriptFlags;
        store.CountRoundTrip();
        return full
            ? store.Redis.ScriptEvaluateAsync(flags ? Text : PlainText, keys, values, CommandFlags.NoScriptCache)
            : store.Redis.ScriptEvaluateAsync(flags ? Sha1 : PlainSha1, keys, values, CommandFlags.None);
    }

    /// <summary>True when the server does not know the script's SHA1 yet.</summary>
    public static bool IsNoScript(RedisServerException error) => error.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal);
}
