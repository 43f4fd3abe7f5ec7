using Folio;
using Folio.Storage;

// Folio's smallest program: a SQLite database kept in the embedded file store under ./folio-data.
// Run it twice: the row count grows, because every run's insert was committed to the store.
var directory = args.Length > 0 ? args[0] : "folio-data";

using var store = FilePageStore.Open(directory);
using var db = FolioDatabase.Open(store);
using var connection = db.OpenConnection();

connection.Execute("CREATE TABLE IF NOT EXISTS visit(id INTEGER PRIMARY KEY, at TEXT NOT NULL)");
connection.Execute("INSERT INTO visit(at) VALUES (?1)", DateTimeOffset.UtcNow.ToString("O"));

var rows = (long)connection.ExecuteScalar("SELECT count(*) FROM visit")!;
var head = store.GetHead();
Console.WriteLine($"rows: {rows}");
Console.WriteLine($"store: {store.Path} (page size {store.PageSize}, {head.PageCount} pages, version {head.Version})");
Console.WriteLine($"statistics: {db.Statistics}");
