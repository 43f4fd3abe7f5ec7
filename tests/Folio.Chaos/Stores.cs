using System.Collections.Concurrent;
using System.Globalization;
using Folio.Redis;
using Folio.Storage;
using StackExchange.Redis;

namespace Folio.Chaos;

/// <summary>
/// Opens a database's store from a spec a child process gets on its command line:
/// <c>redis:PORT:REPLICAS[:owned]</c> (loopback, <see cref="RedisStoreOptions.WaitForReplicas"/> = REPLICAS, shared or owned)
/// or <c>file:DIRECTORY</c> (one file per database, shared between processes).
/// </summary>
internal static class Stores
{
    public const int PageSize = 4096;
    private static readonly ConcurrentDictionary<string, ConnectionMultiplexer> Connections = new();

    public static RedisStoreOptions RedisOptions(int replicas, bool owned = false) => new()
    {
        Owned = owned,
        WaitForReplicas = replicas,
        CommandTimeout = TimeSpan.FromSeconds(3),
        ReplicaWaitTimeout = TimeSpan.FromSeconds(1),
    };

    public static string RedisSpec(int port, int replicas, bool owned) =>
        $"redis:{port.ToString(CultureInfo.InvariantCulture)}:{replicas.ToString(CultureInfo.InvariantCulture)}{(owned ? ":owned" : "")}";

    public static string FileSpec(string directory) => "file:" + directory;

    public static IPageStore Open(string spec, string database)
    {
        if (spec.StartsWith("file:", StringComparison.Ordinal))
        {
            return FilePageStore.Open(Path.Combine(spec[5..], database + ".folio"), database, PageSize);
        }
        var parts = spec.Split(':');
        if (parts is not ["redis", var port, var replicas, ..] || parts.Length > 4 || (parts.Length == 4 && parts[3] != "owned"))
        {
            throw new ArgumentException($"not a store spec: '{spec}'", nameof(spec));
        }
        var options = RedisOptions(int.Parse(replicas, CultureInfo.InvariantCulture), owned: parts.Length == 4);
        var redis = Connections.GetOrAdd(port, p => RedisPageStore.Connect("127.0.0.1:" + p, options));
        return RedisPageStore.Open(redis, database, PageSize, options);
    }

    /// <summary>Closes the multiplexers <see cref="Open"/> made.</summary>
    public static void CloseConnections()
    {
        foreach (var key in Connections.Keys.ToList())
        {
            if (Connections.TryRemove(key, out var redis))
            {
                redis.Dispose();
            }
        }
    }
}

/// <summary>Writes a line (<c>m⇥timestamp</c>) as each store commit starts, so the harness can kill the process in the middle of one.</summary>
internal sealed class CommitMarkingStore(IPageStore inner, TextWriter output) : IPageStore
{
    public string Name => inner.Name;

    public int PageSize => inner.PageSize;

    public StoreHead GetHead() => inner.GetHead();

    public IPageStoreReader BeginRead(long knownVersion) => inner.BeginRead(knownVersion);

    public long Commit(StoreCommit commit)
    {
        lock (output)
        {
            output.WriteLine("m\t" + System.Diagnostics.Stopwatch.GetTimestamp().ToString(CultureInfo.InvariantCulture));
            output.Flush();
        }
        return inner.Commit(commit);
    }

    public void Dispose() => inner.Dispose();
}
