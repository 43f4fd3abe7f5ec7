using System.Globalization;
using Folio;
using Todo;

// A to-do list on Folio: `add <title>`, `list`, `done <id>`, `remove <id>`, `stats`.
// Every run is its own process; the data lives in ./todo-data and outlives it.

const string Usage = """
    usage: todo <command>
      add <title>    add an item
      list           show every item
      done <id>      mark an item done
      remove <id>    remove an item
      stats          show what the store did in this run, and its size
    """;

if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
{
    Console.WriteLine(Usage);
    return args.Length == 0 ? 2 : 0;
}

try
{
    using var db = TodoDb.Open();
    return args[0] switch
    {
        "add" when args.Length > 1 => Add(db, string.Join(' ', args[1..])),
        "list" => List(db),
        "done" when args.Length == 2 => Done(db, args[1]),
        "remove" when args.Length == 2 => Remove(db, args[1]),
        "stats" => Stats(db),
        _ => Fail($"unknown command or missing argument: {string.Join(' ', args)}\n{Usage}", 2),
    };
}
catch (FolioException e)
{
    return Fail(e.Message, 1);
}

static int Add(TodoDb db, string title)
{
    var id = db.Add(title, DateTime.UtcNow);
    Console.WriteLine($"added #{id}: {title}");
    return 0;
}

static int List(TodoDb db)
{
    var items = db.List();
    if (items.Count == 0)
    {
        Console.WriteLine("nothing to do");
        return 0;
    }
    foreach (var item in items)
    {
        Console.WriteLine($"[{(item.Done ? 'x' : ' ')}] #{item.Id} {item.Title}");
    }
    var counts = db.Counts();
    Console.WriteLine($"{counts.Done} of {counts.Total} done");
    return 0;
}

static int Done(TodoDb db, string id) =>
    ParseId(id) is { } n && db.MarkDone(n) == 1 ? Ok($"done #{n}") : Fail($"no item #{id}", 1);

static int Remove(TodoDb db, string id) =>
    ParseId(id) is { } n && db.Remove(n) == 1 ? Ok($"removed #{n}") : Fail($"no item #{id}", 1);

static int Stats(TodoDb db)
{
    var counts = db.Counts();
    var head = db.Database.Store.GetHead();
    var s = db.Statistics;
    Console.WriteLine($"database      {db.Database.Name}");
    Console.WriteLine($"vfs           {db.Database.VfsName}");
    Console.WriteLine($"items         {counts.Total} ({counts.Done} done)");
    Console.WriteLine($"store version {head.Version}");
    Console.WriteLine($"pages         {head.PageCount} x {db.Database.PageSize} bytes");
    Console.WriteLine($"this run      {s.StoreCalls} store calls, {s.PagesRead} pages read ({s.BytesRead} bytes), " +
                      $"{s.PagesWritten} written ({s.BytesWritten} bytes), {s.Commits} commits, {s.Conflicts} conflicts, {s.CacheHits} cache hits");
    return 0;
}

static long? ParseId(string text) =>
    long.TryParse(text.TrimStart('#'), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

static int Ok(string message)
{
    Console.WriteLine(message);
    return 0;
}

static int Fail(string message, int code)
{
    Console.Error.WriteLine(message);
    return code;
}
