namespace Folio.Redis.TestChild;

/// <summary>
/// One owner of a database, for the ownership tests: opens it owned (claiming it) and prints
/// <c>ready</c>; on the line <c>go</c> inserts <c>(tag, i)</c> rows into <c>log</c> through the
/// async path. It prints <c>won N</c> when every insert committed, or <c>lost</c> followed by one
/// line per call it then tried: the refused commit's message, and how a read (async and sync) and
/// another write were answered. Then it waits for <c>reopen</c> (open the database again, owned,
/// and print <c>reopened count=N</c>) or <c>exit</c>. Output lines are flushed as written.
/// </summary>
internal static class OwnerRun
{
    public static async Task<int> RunAsync(string configuration, string database, string tag, int inserts)
    {
        try
        {
            using var redis = RedisPageStore.Connect(configuration);
            var db = Open(redis, database);
            var connection = db.OpenConnection();
            // Warm: every page of the small table passes through Folio's page cache.
            await connection.ExecuteScalarAsync("SELECT count(*) FROM log");
            Say("ready");
            Expect("go");
            var done = 0;
            try
            {
                for (; done < inserts; done++)
                {
                    await connection.ExecuteAsync($"INSERT INTO log(tag, i) VALUES ('{tag}', {done})");
                }
                Say($"won {done}");
            }
            catch (OwnershipLostException e)
            {
                Say($"lost after {done}");
                Say("commit: " + OneLine(e));
                Say("async-read: " + await Outcome(async () => await connection.ExecuteScalarAsync("SELECT count(*) FROM log")));
                Say("sync-read: " + await Outcome(() => Task.FromResult(connection.ExecuteScalar("SELECT count(*) FROM log"))));
                Say("write: " + await Outcome(async () => (object?)await connection.ExecuteAsync($"INSERT INTO log(tag, i) VALUES ('{tag}', -1)")));
            }
            var command = Console.ReadLine();
            if (command == "reopen")
            {
                connection.Dispose();
                db.Dispose();
                db = Open(redis, database);
                connection = db.OpenConnection();
                Say($"reopened count={await connection.ExecuteScalarAsync("SELECT count(*) FROM log")}");
            }
            connection.Dispose();
            db.Dispose();
            return 0;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine(e);
            return 1;
        }
    }

    private static FolioDatabase Open(StackExchange.Redis.ConnectionMultiplexer redis, string database) =>
        FolioDatabase.Open(RedisPageStore.Open(redis, database, options: new RedisStoreOptions { Owned = true }), ownsStore: true);

    private static async Task<string> Outcome(Func<Task<object?>> call)
    {
        try
        {
            return "allowed " + await call();
        }
        catch (Exception e)
        {
            return OneLine(e);
        }
    }

    private static string OneLine(Exception e) => $"{e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}";

    private static void Say(string line)
    {
        Console.Out.WriteLine(line);
        Console.Out.Flush();
    }

    private static void Expect(string line)
    {
        var read = Console.ReadLine();
        if (read != line)
        {
            throw new InvalidOperationException($"expected '{line}' on standard input, got '{read}'");
        }
    }
}
