using System.Globalization;
using Folio;
using Folio.Storage;

// Appends rows to a Folio file store, one transaction per row, until it is killed:
//
//   Folio.TestChild append <store path> <shared|exclusive>
//
// Prints "ready <last sequence number found>" once the database is open, then each sequence number
// on its own line only after the commit that wrote it returned: a printed number is a promise the
// store must keep through a SIGKILL at any moment.
if (args is not ["append", var path, var mode])
{
    Console.Error.WriteLine("usage: Folio.TestChild append <store path> <shared|exclusive>");
    return 2;
}
var options = new FileStoreOptions
{
    Mode = mode == "exclusive" ? FileStoreMode.Exclusive : FileStoreMode.Shared,
};
using var store = FilePageStore.Open(path, "main", 4096, options);
using var db = FolioDatabase.Open(store);
using var connection = db.OpenConnection();

// The schema in one transaction, so a kill leaves all of it or none.
connection.Execute("""
    BEGIN;
    CREATE TABLE IF NOT EXISTS t(seq INTEGER PRIMARY KEY, payload TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS t_length ON t(length(payload));
    CREATE TABLE IF NOT EXISTS meta(id INTEGER PRIMARY KEY CHECK (id = 1), last INTEGER NOT NULL);
    INSERT OR IGNORE INTO meta VALUES (1, 0);
    COMMIT;
    """);
var next = (long)connection.ExecuteScalar("SELECT coalesce(max(seq), 0) FROM t")! + 1;
var output = Console.Out;
output.WriteLine($"ready {(next - 1).ToString(CultureInfo.InvariantCulture)}");
output.Flush();
while (true)
{
    // Three b-trees (table, index, meta) and sometimes overflow pages change in each commit.
    connection.Execute("BEGIN; INSERT INTO t(seq, payload) VALUES (?1, ?2); UPDATE meta SET last = ?1 WHERE id = 1; COMMIT;",
        next, Folio.TestChild.Payload.For(next));
    output.WriteLine(next.ToString(CultureInfo.InvariantCulture));
    output.Flush();
    next++;
}
