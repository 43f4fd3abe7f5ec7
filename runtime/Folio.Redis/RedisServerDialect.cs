using StackExchange.Redis;

namespace Folio.Redis;

/// <summary>
/// What the server behind a connection accepts beyond the commands every Redis-compatible server
/// has. Redis 7+ takes the <c>#!lua</c> shebang and its flags; Garnet (which presents itself as
/// Redis 7 in <c>redis_version</c> but adds <c>garnet_version</c> to <c>INFO server</c>) refuses
/// any shebang with "Compilation error: ... unexpected symbol near '#'".
/// </summary>
internal static class RedisServerDialect
{
    /// <summary>
    /// True unless a connected server of <paramref name="connection"/> is Garnet. StackExchange.Redis
    /// identifies the product from the <c>INFO</c> and <c>HELLO</c> answers of its connection
    /// handshake, so this costs no round trip. A store is only handed out after its open script ran,
    /// so its server was connected and identified when this was asked.
    /// </summary>
    public static bool AcceptsScriptFlags(IConnectionMultiplexer connection)
    {
        foreach (var server in connection.GetServers())
        {
            if (server.IsConnected && server.GetProductVariant(out _) == ProductVariant.Garnet)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>True when the server could not compile a script because of its shebang line (named in the open's error).</summary>
    public static bool RefusesShebang(RedisServerException error) =>
        error.Message.Contains("Compilation error", StringComparison.Ordinal)
        && error.Message.Contains("near '#'", StringComparison.Ordinal);
}
