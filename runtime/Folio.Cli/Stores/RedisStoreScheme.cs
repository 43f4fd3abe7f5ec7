namespace Folio.Cli.Stores;

/// <summary>
/// <c>redis://host:port/database</c>. The URI is checked now so a typo gets the right message,
/// but this build has no Redis store to open: a Redis location is a usage error until a
/// <see cref="StoreLocation"/> over the Redis store replaces the refusal below.
/// </summary>
internal sealed class RedisStoreScheme : IStoreScheme
{
    public string Scheme => "redis";

    public string Syntax => "redis://<host>:<port>/<database>";

    public StoreLocation Parse(string uri)
    {
        if (!System.Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || string.IsNullOrEmpty(parsed.Host)
            || parsed.AbsolutePath.Trim('/').Length == 0)
        {
            throw new UsageException($"'{uri}' is not a Redis store location; write {Syntax}");
        }
        throw new UsageException($"'{uri}': Redis stores are not available in this build of folio; use file:<path>[#<database>]");
    }
}
