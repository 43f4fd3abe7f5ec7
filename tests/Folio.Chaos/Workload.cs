using System.Globalization;
using Folio.Redis;

namespace Folio.Chaos;

/// <summary>The two models' schemas, transactions and how a failed one is classified.</summary>
internal static class Workload
{
    public const string ListAppend = "list-append";
    public const string Bank = "bank";
    public const int Keys = 8;

    /// <summary>
    /// How long the clients work on the same <see cref="Keys"/> keys before moving to the next ones
    /// (as Elle rotates keys): lists stay short, so reads and the checker stay cheap in long runs.
    /// Every process derives the window from the same monotonic clock.
    /// </summary>
    public const int KeyWindowMs = 1000;
    public const int Accounts = 5;
    public const long InitialBalance = 100;

    /// <summary>The schema and first rows, in one transaction.</summary>
    public static string Schema(string model) => model == Bank
        ? $"""
          BEGIN;
          CREATE TABLE accounts(id INTEGER PRIMARY KEY, balance INTEGER NOT NULL);
          CREATE TABLE transfers(id INTEGER NOT NULL);
          WITH RECURSIVE s(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM s WHERE x < {Accounts - 1}) INSERT INTO accounts SELECT x, {InitialBalance} FROM s;
          COMMIT;
          """
        : $"""
          BEGIN;
          CREATE TABLE lists(k INTEGER PRIMARY KEY, vals TEXT NOT NULL);
          COMMIT;
          """;

    /// <summary>
    /// The next transaction of a client: list-append, 1 to 4 steps on distinct keys, each a read
    /// or an append of a value no other client or step appends; bank, a transfer or a read of
    /// every balance. <paramref name="sequence"/> counts the client's transactions. The keys are
    /// those of the current <see cref="KeyWindowMs"/> window.
    /// </summary>
    public static IReadOnlyList<Mop> Next(string model, Random random, int client, long sequence)
    {
        var unique = client * 1_000_000_000L + sequence * 10;
        if (model == Bank)
        {
            if (random.Next(3) == 0)
            {
                return [Mop.Balances()];
            }
            var from = random.Next(Accounts);
            var to = (from + 1 + random.Next(Accounts - 1)) % Accounts;
            return [Mop.Transfer(from, to, random.Next(1, 20), unique)];
        }
        var window = (int)(System.Diagnostics.Stopwatch.GetTimestamp() / (System.Diagnostics.Stopwatch.Frequency * KeyWindowMs / 1000));
        var keys = Enumerable.Range(window * Keys, Keys).OrderBy(_ => random.Next()).Take(random.Next(1, 5)).ToList();
        return keys.Select((key, i) => random.Next(2) == 0 ? Mop.Read(key) : Mop.Append(key, unique + i)).ToList();
    }

    /// <summary>
    /// Runs a transaction and returns its steps with the reads' results. <paramref name="committing"/>
    /// is set once COMMIT is sent: an error before it leaves nothing applied.
    /// </summary>
    public static IReadOnlyList<Mop> Execute(FolioConnection c, IReadOnlyList<Mop> mops, ref bool committing)
    {
        var results = new List<Mop>(mops.Count);
        c.Execute("BEGIN");
        foreach (var mop in mops)
        {
            switch (mop.Kind)
            {
                case MopKind.Read:
                    var text = (string?)c.ExecuteScalar("SELECT vals FROM lists WHERE k = ?1", mop.Key);
                    results.Add(Mop.Read(mop.Key, ParseList(text ?? "")));
                    break;
                case MopKind.Append:
                    Expect(c.Execute("INSERT INTO lists(k, vals) VALUES (?2, ?1) ON CONFLICT(k) DO UPDATE SET vals = vals || ?1",
                        " " + mop.Value.ToString(CultureInfo.InvariantCulture), mop.Key), mop);
                    results.Add(mop);
                    break;
                case MopKind.Transfer:
                    Expect(c.Execute("UPDATE accounts SET balance = balance - ?1 WHERE id = ?2", mop.Value, mop.Key), mop);
                    Expect(c.Execute("UPDATE accounts SET balance = balance + ?1 WHERE id = ?2", mop.Value, mop.To), mop);
                    c.Execute("INSERT INTO transfers VALUES (?1)", mop.Id);
                    results.Add(mop);
                    break;
                default:
                    results.Add(Mop.Balances(c.Query("SELECT balance FROM accounts ORDER BY id").Select(row => (long)row[0]!).ToArray()));
                    break;
            }
        }
        committing = true;
        c.Execute("COMMIT");
        return results;
    }

    /// <summary>Each key's list, read in one transaction.</summary>
    public static Dictionary<int, IReadOnlyList<long>> ReadLists(FolioConnection c) =>
        c.Query("SELECT k, vals FROM lists ORDER BY k").ToDictionary(row => (int)(long)row[0]!, row => (IReadOnlyList<long>)ParseList((string)row[1]!));

    /// <summary>The balances and the transfer log, read in one transaction.</summary>
    public static (long[] Balances, long[] Log) ReadBank(FolioConnection c)
    {
        c.Execute("BEGIN");
        var balances = c.Query("SELECT balance FROM accounts ORDER BY id").Select(row => (long)row[0]!).ToArray();
        var log = c.Query("SELECT id FROM transfers").Select(row => (long)row[0]!).ToArray();
        c.Execute("COMMIT");
        return (balances, log);
    }

    /// <summary>
    /// A failed transaction's outcome. Before COMMIT nothing was applied. At COMMIT: a conflict
    /// (SQLITE_BUSY), a lost ownership, an injected fault (refused before the store saw it) and a Redis failure that
    /// reached nothing (<see cref="RedisStoreUnavailableException.MayHaveBeenApplied"/> false) are
    /// failures; anything else may have been applied.
    /// </summary>
    public static Outcome Classify(Exception error, bool committing)
    {
        if (!committing)
        {
            return Outcome.Fail;
        }
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is OwnershipLostException)
            {
                return Outcome.Fail; // an owner that lost the database writes nothing
            }
            if (e is RedisStoreUnavailableException redis)
            {
                return redis.MayHaveBeenApplied ? Outcome.Unknown : Outcome.Fail;
            }
            if (e is IOException && e.Message.StartsWith("Injected fault", StringComparison.Ordinal))
            {
                return Outcome.Fail;
            }
        }
        return error is FolioException { IsBusy: true } ? Outcome.Fail : Outcome.Unknown;
    }

    private static long[] ParseList(string text) =>
        text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();

    private static void Expect(int changed, Mop mop)
    {
        if (changed != 1)
        {
            throw new InvalidOperationException($"{mop} changed {changed} rows, not 1");
        }
    }
}
