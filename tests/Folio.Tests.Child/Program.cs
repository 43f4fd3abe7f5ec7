using Folio;
using Folio.Storage;
using Folio.Testing;

// Commands (the outer file path comes first):
//   increment <file> <count>   add 1 to c.n <count> times, one transaction each, retrying on SQLITE_BUSY
//   snapshot <file>            open a read transaction, print count(*) of t, wait for a line on stdin,
//                              print it again inside the same transaction, end it, print it once more
//   interactive-file <file>    serve InteractiveChild commands on the file store's database "main"
//   interactive-dir <dir>      the same on a DirectoryPageStore (a user store) in <dir>
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: increment <file> <count> | snapshot <file> | interactive-file <file> | interactive-dir <dir>");
    return 2;
}

if (args[0] is "interactive-file" or "interactive-dir")
{
    using IPageStore served = args[0] == "interactive-file" ? FilePageStore.Open(args[1]) : DirectoryPageStore.Open(args[1], "userdb");
    using var servedDb = FolioDatabase.Open(served);
    return InteractiveChild.Serve(servedDb.OpenConnection);
}

using var store = FilePageStore.Open(args[1]);
using var db = FolioDatabase.Open(store, new FolioOptions { BusyTimeout = TimeSpan.FromMinutes(1) });
using var connection = db.OpenConnection();

switch (args[0])
{
    case "increment":
        var count = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
        var conflicts = 0;
        for (var i = 0; i < count; i++)
        {
            while (true)
            {
                try
                {
                    connection.Execute("BEGIN IMMEDIATE; UPDATE c SET n = n + 1; COMMIT;");
                    break;
                }
                catch (FolioException e) when (e.IsBusy)
                {
                    // Another process committed first: SQLite rolled the transaction back; try again.
                    conflicts++;
                    if (SQLitePCL.raw.sqlite3_get_autocommit(connection.Handle) == 0)
                    {
                        connection.Execute("ROLLBACK");
                    }
                    Thread.Sleep(Random.Shared.Next(0, 3));
                }
            }
        }
        Console.WriteLine($"done {count} conflicts {conflicts}");
        return 0;

    case "snapshot":
        connection.Execute("BEGIN");
        Console.WriteLine(connection.ExecuteScalar("SELECT count(*) FROM t"));
        Console.Out.Flush();
        Console.ReadLine();
        Console.WriteLine(connection.ExecuteScalar("SELECT count(*) FROM t"));
        connection.Execute("COMMIT");
        Console.WriteLine(connection.ExecuteScalar("SELECT count(*) FROM t"));
        return 0;

    default:
        Console.Error.WriteLine($"unknown command '{args[0]}'");
        return 2;
}
