using Folio.Storage;

namespace Folio.Torture.Tests;

/// <summary>
/// A scripted workload of mixed transactions, deterministic to the byte (no random(), no time),
/// so two runs that apply the same transactions leave identical stored pages.
/// </summary>
internal static class Workload
{
    /// <summary>The transactions, in order; each is one SQL script that commits once.</summary>
    public static IReadOnlyList<string> Transactions { get; } =
    [
        // A table create with its index, in one transaction.
        "BEGIN; CREATE TABLE a(id INTEGER PRIMARY KEY, name TEXT NOT NULL, n INTEGER NOT NULL); CREATE INDEX a_name ON a(name); COMMIT;",
        // Inserts (autocommit).
        "WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < 200) INSERT INTO a(name, n) SELECT printf('name-%04d', x * 37 % 1000), x FROM s;",
        // Updates.
        "UPDATE a SET n = n * 2, name = name || '!' WHERE id % 3 = 0;",
        // Deletes.
        "DELETE FROM a WHERE id % 5 = 0;",
        // Another table, without rowid.
        "CREATE TABLE b(k TEXT PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID;",
        // A multi-page transaction large enough to spill SQLite's 10-page cache to the VFS.
        "BEGIN; WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < 700) INSERT INTO b(k, v) SELECT printf('key-%05d', x * 7919 % 100000), zeroblob(100 + x % 400) FROM s; UPDATE a SET n = -n WHERE id < 50; COMMIT;",
        // Mixed statements in one explicit transaction.
        "BEGIN; UPDATE b SET v = zeroblob(length(v) + 3) WHERE k < 'key-3'; DELETE FROM a WHERE n < -20; INSERT INTO a(name, n) VALUES ('late', 1); COMMIT;",
        // A schema change.
        "DROP INDEX a_name;",
        // A large delete, then VACUUM: the page count shrinks, so the store drops pages.
        "DELETE FROM b WHERE k > 'key-2';",
        "VACUUM;",
        // And life goes on.
        "BEGIN; CREATE INDEX b_length ON b(length(v)); INSERT INTO a(name, n) VALUES ('after vacuum', 2); COMMIT;",
    ];

    /// <summary>Opens a connection the way every run does: a tiny cache, so transactions spill.</summary>
    public static FolioConnection Connect(FolioDatabase db)
    {
        var connection = db.OpenConnection();
        connection.Execute("PRAGMA cache_size = 10");
        return connection;
    }

    /// <summary>
    /// The store's version, page count and a hash of every page exactly as SQLite wrote it
    /// (decoded: the stored bytes also bind the store's identity, which differs between runs).
    /// </summary>
    public static string Snapshot(IPageStore store) => Hash(store, content: false);

    /// <summary>
    /// The version, page count and a hash of the decoded pages, leaving out the header's change
    /// counter (offsets 24 and 92 of page 0). SQLite may bump that counter more than once for a
    /// transaction it had to roll back and run again, as it may for any commit; nothing else in the
    /// file may differ from a run without the failure.
    /// </summary>
    public static string Content(IPageStore store) => Hash(store, content: true);

    private static string Hash(IPageStore store, bool content)
    {
        var head = store.GetHead();
        using var reader = store.BeginRead(0);
        var buffer = new byte[ChecksumPageCodec.Instance.MaxEncodedSize(store.PageSize) + 64];
        var page = new byte[store.PageSize];
        var hash = new System.IO.Hashing.XxHash64();
        for (long number = 0; number < head.PageCount; number++)
        {
            var length = reader.ReadPage(number, buffer);
            hash.Append(BitConverter.GetBytes(length));
            ChecksumPageCodec.Instance.Decode(store.Name, new PageAddress(head.Lineage.DatabaseId, number, head.Version), buffer.AsSpan(0, length), page);
            if (content && number == 0)
            {
                page.AsSpan(24, 4).Clear();
                page.AsSpan(92, 4).Clear();
            }
            hash.Append(page);
        }
        return $"v{head.Version} n{head.PageCount} h{hash.GetCurrentHashAsUInt64():x16}";
    }
}
