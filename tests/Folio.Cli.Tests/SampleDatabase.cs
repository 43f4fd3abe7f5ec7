using System.Text;

namespace Folio.Cli.Tests;

/// <summary>
/// A database made by SQLite itself: several tables (rowid, AUTOINCREMENT, WITHOUT ROWID, composite
/// key), indexes (unique, partial, on an expression), a view and a trigger; 20,000 rows with
/// every storage class, unicode text and blobs of 0 to 9000 bytes.
/// </summary>
public static class SampleDatabase
{
    public const int Rows = 20_000;

    /// <summary>Creates the database at <paramref name="path"/> and returns the open connection (the caller disposes it).</summary>
    /// <param name="path">The file.</param>
    /// <param name="wal">WAL mode with the last rows left in the WAL (not checkpointed) while the connection stays open.</param>
    public static PlainSqlite Create(string path, bool wal)
    {
        var db = PlainSqlite.Open(path);
        db.Execute(wal ? "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;" : "PRAGMA journal_mode = DELETE;");
        db.Execute("""
            CREATE TABLE people(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, email TEXT UNIQUE, age INTEGER, score REAL, note TEXT);
            CREATE TABLE blobs(id INTEGER PRIMARY KEY, data BLOB, kind TEXT);
            CREATE TABLE tags(name TEXT PRIMARY KEY, weight REAL, extra ANY) WITHOUT ROWID;
            CREATE TABLE links(a INTEGER NOT NULL REFERENCES people(id), b INTEGER NOT NULL, label TEXT, PRIMARY KEY(a, b));
            CREATE INDEX people_name ON people(name);
            CREATE INDEX people_adult ON people(age) WHERE age >= 18;
            CREATE INDEX blobs_length ON blobs(length(data));
            CREATE VIEW adults AS SELECT id, name, age FROM people WHERE age >= 18;
            CREATE TRIGGER people_touch AFTER UPDATE OF age ON people BEGIN UPDATE people SET note = 'touched' WHERE id = new.id; END;
            """);
        var random = new Random(20_000);
        db.Execute("BEGIN");
        db.ExecuteMany("INSERT INTO people(name, email, age, score, note) VALUES (?1, ?2, ?3, ?4, ?5)", Enumerable.Range(1, 10_000).Select(i => new object?[]
        {
            $"person {i} {(i % 7 == 0 ? "Zoë Ångström 名前 🙂" : "plain")}",
            i % 10 == 0 ? null : $"p{i}@example.org",
            i % 13 == 0 ? null : (long)random.Next(0, 100),
            (i % 5) switch { 0 => -0.0, 1 => double.MaxValue / i, 2 => double.Epsilon * i, _ => random.NextDouble() * 1000 - 500 },
            i % 3 == 0 ? new string('n', random.Next(0, 3000)) : null,
        }));
        db.ExecuteMany("INSERT INTO blobs(id, data, kind) VALUES (?1, ?2, ?3)", Enumerable.Range(1, 3_000).Select(i =>
        {
            // Sizes cover 0 and 9000 exactly and everything between, overflow pages included.
            var size = i switch { 1 => 0, 2 => 9000, _ => random.Next(0, 9001) };
            var data = new byte[size];
            random.NextBytes(data);
            return new object?[] { (long)i * 3, i % 50 == 0 ? null : data, size > 4000 ? "large" : "small" };
        }));
        db.ExecuteMany("INSERT INTO tags(name, weight, extra) VALUES (?1, ?2, ?3)", Enumerable.Range(1, 2_000).Select(i => new object?[]
        {
            $"tag-{i:D5}",
            i / 7.0,
            (i % 4) switch { 0 => (long)i, 1 => "text", 2 => Encoding.UTF8.GetBytes("bytes" + i), _ => null },
        }));
        db.Execute("COMMIT");
        // The last rows in their own transaction: in WAL mode they stay in the WAL file only.
        db.Execute("BEGIN");
        db.ExecuteMany("INSERT INTO links(a, b, label) VALUES (?1, ?2, ?3)", Enumerable.Range(1, 5_000).Select(i => new object?[]
        {
            (long)(i % 10_000 + 1), (long)i, i % 2 == 0 ? "even" : null,
        }));
        db.Execute("UPDATE people SET age = age + 1 WHERE id % 1000 = 0");
        db.Execute("COMMIT");
        return db;
    }
}
