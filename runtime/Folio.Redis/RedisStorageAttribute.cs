namespace Folio.Redis;

/// <summary>
/// Keeps a <see cref="PagedDatabaseAttribute"/> class's database in Redis (<see cref="RedisPageStore"/>):
/// the generated class gets <c>Open(IConnectionMultiplexer redis, string database)</c> (and, with
/// <see cref="Database"/> set, <c>Open(IConnectionMultiplexer redis)</c>), and its VFS
/// is specialised for <see cref="RedisPageStore"/>. Every process that opens the same database name
/// on the same Redis (standalone or Cluster) shares one SQLite database; a commit that lost the race
/// to another writer fails with SQLITE_BUSY instead of overwriting it.
/// </summary>
/// <remarks>
/// The connection stays the caller's: open it once per process with
/// <see cref="RedisPageStore.Connect(string, RedisStoreOptions?)"/> and pass it to every
/// <c>Open</c>. The database name becomes the Redis hash tag <c>{folio:&lt;database&gt;}</c>, so it
/// must not contain braces.
/// </remarks>
/// <example>
/// <code>
/// [PagedDatabase]
/// [RedisStorage]
/// [Migration(1, "CREATE TABLE note(id INTEGER PRIMARY KEY, text TEXT NOT NULL)")]
/// public partial class NotesDb
/// {
///     [Execute("INSERT INTO note(text) VALUES ($text)")]
///     public partial int AddNote(string text);
/// }
///
/// using var redis = RedisPageStore.Connect("127.0.0.1:6379");
/// using var db = NotesDb.Open(redis, "notes-of-alice");
/// db.AddNote("hello");
/// </code>
/// </example>
[StoreFactory(typeof(RedisStoreFactory))]
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class RedisStorageAttribute : StorageAttribute
{
    /// <summary>
    /// A fixed database name. When set, the generated class also gets
    /// <c>Open(IConnectionMultiplexer redis)</c>, which opens this name.
    /// </summary>
    public string? Database { get; set; }

    /// <summary>
    /// Open the database owned, the Durable Object model (see <see cref="RedisStoreOptions.Owned"/>):
    /// reads cost no round trip, a write transaction exactly one, and another writer's commit makes
    /// this object fail with <see cref="OwnershipLostException"/> and refuse every further call.
    /// When set, the generated <c>Open(redis, database)</c> opens owned; <c>Open(redis, database, owned)</c> exists either way.
    /// </summary>
    public bool Owned { get; set; }
}
