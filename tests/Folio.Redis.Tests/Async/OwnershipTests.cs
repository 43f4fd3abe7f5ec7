using System.Diagnostics;
using NUnit.Framework;

namespace Folio.Redis.Tests.Async;

/// <summary>
/// Owned mode's fence: two owners in two OS processes, and a shared-mode writer under an owner.
/// The loser's writes never land, it fails with <see cref="OwnershipLostException"/>, and it
/// refuses every call, reads included, until it opens the database again.
/// </summary>
public sealed class OwnershipTests
{
    private const int Inserts = 20;

    [Test]
    public void OfTwoOwnersInTwoProcessesExactlyOneWinsAndTheLoserRefusesEveryCallUntilReopened()
    {
        var name = SharedRedis.NewName("two-owners");
        using (var setup = FolioDatabase.Open(RedisPageStore.Open(SharedRedis.Connection, name), ownsStore: true))
        using (var c = setup.OpenConnection())
        {
            c.Execute("CREATE TABLE log(tag TEXT NOT NULL, i INTEGER NOT NULL)");
        }

        using var a = Child.Start(name, "a");
        using var b = Child.Start(name, "b");
        // Both opened (so both claimed: the later claim holds) before either writes.
        Assert.That(a.ReadLine(), Is.EqualTo("ready"), a.Describe());
        Assert.That(b.ReadLine(), Is.EqualTo("ready"), b.Describe());
        a.WriteLine("go");
        b.WriteLine("go");
        var first = new[] { a.ReadLine(), b.ReadLine() };
        TestContext.Out.WriteLine($"a: {first[0]}; b: {first[1]}");

        Assert.That(first.Count(l => l == $"won {Inserts}"), Is.EqualTo(1), $"exactly one owner wins: {a.Describe()} {b.Describe()}");
        var (winner, loser) = first[0] == $"won {Inserts}" ? (a, b) : (b, a);
        Assert.That(first.Single(l => l != $"won {Inserts}"), Is.EqualTo("lost after 0"), "the loser's first commit is refused");

        var commit = loser.ReadLine();
        var asyncRead = loser.ReadLine();
        var syncRead = loser.ReadLine();
        var write = loser.ReadLine();
        TestContext.Out.WriteLine(string.Join("\n", commit, asyncRead, syncRead, write));
        Assert.That(commit, Does.StartWith("commit: OwnershipLostException: ").And.Contains($"'{name}'"), "the message names the database");
        // Version 1 is the table both owners read; the winner's commits moved the store on, by how many depends on the race.
        Assert.That(commit, Does.Match(@"expected version 1, found version [1-9][0-9]*\."), "the message names the versions");
        Assert.That(asyncRead, Does.StartWith("async-read: OwnershipLostException: "), "an async read after the loss is refused");
        Assert.That(syncRead, Does.StartWith("sync-read: OwnershipLostException: "), "a sync read after the loss is refused");
        Assert.That(write, Does.StartWith("write: OwnershipLostException: "), "a write after the loss is refused");

        using (var check = FolioDatabase.Open(RedisPageStore.Open(SharedRedis.Connection, name), new FolioOptions { ProcessScope = new object() }, ownsStore: true))
        using (var c = check.OpenConnection())
        {
            Assert.That(c.ExecuteScalar($"SELECT count(*) FROM log WHERE tag = '{winner.Tag}'"), Is.EqualTo((long)Inserts));
            Assert.That(c.ExecuteScalar($"SELECT count(*) FROM log WHERE tag = '{loser.Tag}'"), Is.EqualTo(0L), "none of the loser's writes landed");
        }

        winner.WriteLine("exit");
        loser.WriteLine("reopen");
        Assert.That(loser.ReadLine(), Is.EqualTo($"reopened count={Inserts}"), "opened again, the loser works on the winner's state");
        Assert.That(winner.Exit(), Is.Zero, winner.Describe());
        Assert.That(loser.Exit(), Is.Zero, loser.Describe());
    }

    [Test]
    public async Task AnOwnerSupersededByAnotherOwnerInItsOwnProcessRefusesItsNextReadAsLostOwnership()
    {
        // Two activations of one account on one node: two owned store objects of one database in
        // one process scope. The second claims it and commits; the first answers reads from its
        // own memory and is behind what this process already saw: lost ownership (reopen), not a
        // rewritten history (which would be left in place call after call).
        var name = SharedRedis.NewName("owners-one-node");
        var node = new object();
        var firstStore = RedisPageStore.Open(SharedRedis.Connection, name, options: new RedisStoreOptions { Owned = true });
        using var first = FolioDatabase.Open(firstStore, new FolioOptions { ProcessScope = node, Name = name + "-first" }, ownsStore: true);
        using var f = first.OpenConnection();
        await f.ExecuteAsync("CREATE TABLE t(v INTEGER NOT NULL)");
        await f.ExecuteAsync("INSERT INTO t VALUES (1)");

        using (var second = FolioDatabase.Open(RedisPageStore.Open(SharedRedis.Connection, name, options: new RedisStoreOptions { Owned = true }),
            new FolioOptions { ProcessScope = node, Name = name + "-second" }, ownsStore: true))
        using (var s = second.OpenConnection())
        {
            await s.ExecuteAsync("INSERT INTO t VALUES (2)");
            await s.ExecuteAsync("INSERT INTO t VALUES (3)");
        }

        var error = await Assert.ThrowsAsync<OwnershipLostException>(async () => await f.ExecuteScalarAsync("SELECT count(*) FROM t"));
        TestContext.Out.WriteLine(error!.Message);
        Assert.That(error.Message, Does.Contain("another owner of this database in this process"));
        Assert.That((error.ExpectedVersion, error.FoundVersion), Is.EqualTo((4L, 2L)), "what the second owner committed, and where the first still is");

        // A new owner (the reopened activation) reads everything.
        using var reopened = FolioDatabase.Open(RedisPageStore.Open(SharedRedis.Connection, name, options: new RedisStoreOptions { Owned = true }),
            new FolioOptions { ProcessScope = node, Name = name + "-reopened" }, ownsStore: true);
        using var r = reopened.OpenConnection();
        Assert.That(await r.ExecuteScalarAsync("SELECT group_concat(v) FROM t"), Is.EqualTo("1,2,3"));
    }

    [Test]
    public async Task ASharedModeWriterCommittingUnderAnOwnerMakesTheOwnersNextCommitFail()
    {
        var name = SharedRedis.NewName("owner-and-shared");
        var ownedStore = RedisPageStore.Open(SharedRedis.Connection, name, options: new RedisStoreOptions { Owned = true });
        using var owner = FolioDatabase.Open(ownedStore, ownsStore: true);
        using var o = owner.OpenConnection();
        await o.ExecuteAsync("CREATE TABLE t(v INTEGER NOT NULL)");
        await o.ExecuteAsync("INSERT INTO t VALUES (1)");

        using var otherProcess = SharedRedis.Connect();
        using (var shared = FolioDatabase.Open(RedisPageStore.Open(otherProcess, name), new FolioOptions { ProcessScope = new object(), Name = name + "-shared" }, ownsStore: true))
        using (var s = shared.OpenConnection())
        {
            s.Execute("INSERT INTO t VALUES (100)");
        }

        var error = await Assert.ThrowsAsync<OwnershipLostException>(async () => await o.ExecuteAsync("INSERT INTO t VALUES (2)"));
        TestContext.Out.WriteLine(error!.Message);
        Assert.That(error.Message, Does.Contain(name));
        Assert.That((error.ExpectedVersion, error.FoundVersion), Is.EqualTo((2L, 3L)), "the owner's version (table, one insert) and the shared writer's");
        Assert.That(ownedStore.OwnsDatabase, Is.False);

        await Assert.ThrowsAsync<OwnershipLostException>(async () => await o.ExecuteScalarAsync("SELECT count(*) FROM t"), "reads are refused too");
        Assert.Throws<OwnershipLostException>(() => o.ExecuteScalar("SELECT count(*) FROM t"));
        Assert.Throws<OwnershipLostException>(() => o.Execute("INSERT INTO t VALUES (3)"));

        using var reopened = FolioDatabase.Open(RedisPageStore.Open(SharedRedis.Connection, name, options: new RedisStoreOptions { Owned = true }),
            new FolioOptions { ProcessScope = new object(), Name = name + "-reopened" }, ownsStore: true);
        using var r = reopened.OpenConnection();
        Assert.That(await r.ExecuteScalarAsync("SELECT group_concat(v) FROM t"), Is.EqualTo("1,100"), "the refused insert never landed");
        await r.ExecuteAsync("INSERT INTO t VALUES (4)");
        Assert.That(await r.ExecuteScalarAsync("SELECT group_concat(v) FROM t"), Is.EqualTo("1,100,4"));
    }

    /// <summary>A Folio.Redis.TestChild process in owner mode, talked to line by line.</summary>
    private sealed class Child : IDisposable
    {
        private readonly Process _process;
        private readonly Task<string> _stderr;

        private Child(Process process, string tag)
        {
            _process = process;
            Tag = tag;
            _stderr = process.StandardError.ReadToEndAsync();
        }

        public string Tag { get; }

        public static Child Start(string database, string tag)
        {
            var dll = Path.Combine(TestContext.CurrentContext.TestDirectory, "Folio.Redis.TestChild.dll");
            Assert.That(File.Exists(dll), Is.True, $"the child program was not built next to the tests: {dll}");
            var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { dll, "owner", SharedRedis.Server.Configuration, database, tag, Inserts.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            {
                info.ArgumentList.Add(argument);
            }
            return new Child(Process.Start(info)!, tag);
        }

        public string? ReadLine()
        {
            var line = _process.StandardOutput.ReadLineAsync();
            return line.Wait(TimeSpan.FromSeconds(60)) ? line.Result : throw new TimeoutException($"child {Tag} said nothing for 60 s. {Describe()}");
        }

        public void WriteLine(string line)
        {
            _process.StandardInput.WriteLine(line);
            _process.StandardInput.Flush();
        }

        public int Exit()
        {
            if (!_process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                _process.Kill();
            }
            return _process.HasExited ? _process.ExitCode : -1;
        }

        public string Describe() => _process.HasExited ? $"child {Tag} exited {_process.ExitCode}: {(_stderr.IsCompleted ? _stderr.Result : "")}" : $"child {Tag} running";

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit();
            }
            _process.Dispose();
        }
    }
}
