// Runs `UPDATE c SET n = n + 1` a given number of times on a Folio database in Redis, retrying
// each update on SQLITE_BUSY (another process committed first), as an application would.
// Usage: Folio.Redis.TestChild <redis configuration> <database> <updates>
// Prints "updated <n> busy-retries <r>" and exits 0; any other failure exits 1 with the error.
// Or: Folio.Redis.TestChild interactive <redis configuration> <database> serves InteractiveChild commands.
// Or: Folio.Redis.TestChild owner <redis configuration> <database> <tag> <inserts>: see OwnerRun.
using Folio;
using Folio.Redis;
using Folio.Redis.TestChild;
using Folio.Testing;

if (args.Length == 3 && args[0] == "interactive")
{
    using var served = RedisPageStore.Connect(args[1]);
    using var servedDb = FolioDatabase.Open(RedisPageStore.Open(served, args[2]), ownsStore: true);
    return InteractiveChild.Serve(servedDb.OpenConnection);
}

if (args.Length == 5 && args[0] == "owner" && int.TryParse(args[4], out var inserts))
{
    return await OwnerRun.RunAsync(args[1], args[2], args[3], inserts);
}
if (args.Length != 3 || !int.TryParse(args[2], out var updates))
{
    Console.Error.WriteLine("usage: Folio.Redis.TestChild <redis configuration> <database> <updates>");
    return 2;
}

try
{
    using var redis = RedisPageStore.Connect(args[0]);
    using var db = FolioDatabase.Open(RedisPageStore.Open(redis, args[1]), ownsStore: true);
    var random = new Random();
    var retries = 0;
    using var connection = OpenRetrying(db, ref retries);
    for (var done = 0; done < updates;)
    {
        try
        {
            connection.Execute("UPDATE c SET n = n + 1");
            done++;
        }
        catch (FolioException e) when (e.IsBusy)
        {
            retries++;
            if (retries > 100_000)
            {
                throw new InvalidOperationException($"gave up after {retries} busy retries", e);
            }
            // A short random pause so the processes do not keep colliding in lockstep.
            Thread.Sleep(random.Next(0, 3));
        }
    }
    Console.WriteLine($"updated {updates} busy-retries {retries}");
    return 0;
}
catch (Exception e)
{
    Console.Error.WriteLine(e);
    return 1;
}

// Opening reads the database header, which another process's commit can replace in between.
static FolioConnection OpenRetrying(FolioDatabase db, ref int retries)
{
    while (true)
    {
        try
        {
            return db.OpenConnection();
        }
        catch (FolioException e) when (e.IsBusy && retries < 1000)
        {
            retries++;
            Thread.Sleep(1);
        }
    }
}
