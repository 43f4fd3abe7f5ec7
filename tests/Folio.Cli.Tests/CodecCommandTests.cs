using System.Buffers.Binary;
using Folio.Storage;
using NUnit.Framework;

namespace Folio.Cli.Tests;

/// <summary><c>--key-file</c>, <c>--compression</c>, the codec lines of <c>folio info</c>, and <c>folio rekey</c>.</summary>
[TestFixture]
public class CodecCommandTests
{
    private const string Marker = "CLI-MARKER-93e1";

    private TestDirectory _directory = null!;
    private string _storePath = null!;
    private string _store = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = new TestDirectory();
        _storePath = _directory.File("data.folio");
        _store = $"file:{_storePath}";
    }

    [TearDown]
    public void TearDown() => _directory.Dispose();

    private string KeyFile(string name, params uint[] ids)
    {
        var path = _directory.File(name);
        File.WriteAllLines(path, ["# test keys", .. ids.Select(id => PageKeyRing.FormatLine(id, Key(id)))]);
        return path;
    }

    private static byte[] Key(uint id) => Enumerable.Range(0, 32).Select(i => (byte)(i * 13 + id)).ToArray();

    private void Seed(string keyFile, int rows = 400, string compression = "zstd") => Assert.That(Cli.Run("sql", _store, "--key-file", keyFile, "--compression", compression,
        $"CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {rows}) INSERT INTO t(v) SELECT printf('{Marker} %d %0100d', i, i) FROM s;").ExitCode,
        Is.EqualTo(0));

    private List<uint> KeyIds()
    {
        using var store = FilePageStore.Open(_storePath);
        var head = store.GetHead();
        return Enumerable.Range(0, (int)head.PageCount)
            .Select(p => store.GetStoredPage(p)!)
            .Select(v => v[2] == 3 && (v[3] & 0b1000) != 0 ? BinaryPrimitives.ReadUInt32LittleEndian(v.AsSpan(16)) : 0u)
            .ToList();
    }

    private byte[] RawFile() => Directory.GetFiles(_directory.Path, "data.folio*")
        .SelectMany(path =>
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }).ToArray();

    [Test]
    public void AStoreWrittenWithAKeyFileHoldsNoPlainTextAndInfoShowsTheStages()
    {
        var keys = KeyFile("keys", 1);
        Seed(keys);
        Assert.That(RawFile().AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(Marker)), Is.EqualTo(-1));

        var info = Cli.Run("info", _store, "--key-file", keys, "--compression", "zstd");
        Assert.That(info.ExitCode, Is.EqualTo(0), info.ToString());
        Assert.That(info.Out, Does.Contain("codec:").And.Contain("zstd level 1 + aes-256-gcm (current key id 1)"));
        Assert.That(info.Out, Does.Match(@"page 0:\s+format 3, (zstd|stored raw \(did not shrink\)), aes-256-gcm key 1, written at version \d+, carries version-map nodes"));
        Assert.That(info.Out, Does.Contain("1 table"));
        Assert.That(info.Out + info.Error, Does.Not.Contain(Convert.ToBase64String(Key(1))));

        var sql = Cli.Run("sql", _store, "--key-file", keys, "--csv", "SELECT count(*) FROM t WHERE v LIKE 'CLI-MARKER%'");
        Assert.That(sql.Out, Does.Contain("400"), sql.ToString());
        var verify = Cli.Run("verify", _store, "--key-file", keys);
        Assert.That(verify.ExitCode, Is.EqualTo(0), verify.ToString());
        Assert.That(verify.Out, Does.Contain("0 corrupt").And.Contain("verify: ok"));
    }

    [Test]
    public void WithoutTheKeyFileTheStoreIsUnreadableAndSaysWhy()
    {
        Seed(KeyFile("keys", 1));
        var info = Cli.Run("info", _store);
        Assert.That(info.ExitCode, Is.EqualTo(1), info.ToString());
        Assert.That(info.Out, Does.Contain("aes-256-gcm key 1"));
        Assert.That(info.Error, Does.Contain("page 0").And.Contain("encrypted with key 1").And.Contain("key provider"));

        var verify = Cli.Run("verify", _store);
        Assert.That(verify.ExitCode, Is.EqualTo(1));
        Assert.That(verify.Out, Does.Contain("corrupt page 0"));

        var wrong = _directory.File("wrong");
        File.WriteAllText(wrong, PageKeyRing.FormatLine(1, Key(77)));
        var before = File.ReadAllBytes(_storePath);
        var sql = Cli.Run("sql", _store, "--key-file", wrong, "INSERT INTO t(v) VALUES ('x')");
        Assert.That(sql.ExitCode, Is.EqualTo(1), sql.ToString());
        Assert.That(sql.Error, Does.Contain("authentication check failed").And.Contain("key is wrong"));
        Assert.That(sql.Error, Does.Not.Contain(Convert.ToBase64String(Key(77))));
        Assert.That(File.ReadAllBytes(_storePath), Is.EqualTo(before), "nothing was written");
    }

    [Test]
    public void BadCodecOptionsAreClearErrors()
    {
        var compression = Cli.Run("sql", _store, "--compression", "brotli", "SELECT 1");
        Assert.That(compression.ExitCode, Is.EqualTo(2));
        Assert.That(compression.Error, Does.Contain("--compression takes none, lz4 or zstd"));

        var bad = _directory.File("bad-keys");
        File.WriteAllText(bad, "1 c2hvcnQ=\n");
        var keys = Cli.Run("sql", _store, "--key-file", bad, "SELECT 1");
        Assert.That(keys.ExitCode, Is.EqualTo(1));
        Assert.That(keys.Error, Does.Contain("line 1").And.Not.Contain("c2hvcnQ"));

        var missing = Cli.Run("sql", _store, "--key-file", _directory.File("none"), "SELECT 1");
        Assert.That(missing.ExitCode, Is.EqualTo(1));
        Assert.That(missing.Error, Does.Contain("--key-file"));

        var rekey = Cli.Run("rekey", _store);
        Assert.That(rekey.ExitCode, Is.EqualTo(2));
        Assert.That(rekey.Error, Does.Contain("needs --key-file"));
    }

    [Test]
    public void RekeyMovesEveryPageToTheCurrentKeyAndIsIdempotent()
    {
        Seed(KeyFile("keys-1", 1));
        Assert.That(KeyIds(), Is.All.EqualTo(1u));
        var both = KeyFile("keys-2", 1, 2);
        var rekey = Cli.Run("rekey", _store, "--key-file", both, "--batch", "3");
        Assert.That(rekey.ExitCode, Is.EqualTo(0), rekey.ToString());
        var pages = KeyIds().Count;
        Assert.That(rekey.Out, Does.Contain($"rekey: {pages} of {pages} pages rewritten in {(pages + 2) / 3} commits"));
        Assert.That(KeyIds(), Is.All.EqualTo(2u));

        var only2 = KeyFile("keys-only-2", 2);
        var sql = Cli.Run("sql", _store, "--key-file", only2, "--csv", "SELECT count(*) FROM t; PRAGMA integrity_check;");
        Assert.That(sql.ExitCode, Is.EqualTo(0), sql.ToString());
        Assert.That(sql.Out, Does.Contain("400").And.Contain("ok"));

        var again = Cli.Run("rekey", _store, "--key-file", only2);
        Assert.That(again.Out, Does.Contain($"rekey: 0 of {pages} pages rewritten in 0 commits"), again.ToString());
    }

    [Test]
    public void RekeyEncryptsAPlainDatabase()
    {
        Assert.That(Cli.Run("sql", _store, $"CREATE TABLE t(v TEXT); INSERT INTO t VALUES ('{Marker}');").ExitCode, Is.EqualTo(0));
        Assert.That(KeyIds(), Is.All.EqualTo(0u));
        var keys = KeyFile("keys", 1);
        Assert.That(Cli.Run("sql", _store, "--key-file", keys, "SELECT 1").Error, Does.Contain("not encrypted"));
        var rekey = Cli.Run("rekey", _store, "--key-file", keys);
        Assert.That(rekey.ExitCode, Is.EqualTo(0), rekey.ToString());
        Assert.That(KeyIds(), Is.All.EqualTo(1u));
        Assert.That(Cli.Run("sql", _store, "--key-file", keys, "--csv", "SELECT v FROM t").Out, Does.Contain(Marker));
    }

    [Test]
    public void WritesContinueDuringARekeyAndNothingIsLost()
    {
        Seed(KeyFile("keys-1", 1), rows: 1500);
        var both = KeyFile("keys-2", 1, 2);
        var inserted = 0;
        var writer = Task.Run(() =>
        {
            using var store = FilePageStore.Open(_storePath);
            using var db = FolioDatabase.Open(store, new FolioOptions { Codec = new PageCodec(PageCompression.Zstd, PageKeyRing.FromFile(both)), BusyTimeout = TimeSpan.FromSeconds(30) });
            using var c = db.OpenConnection();
            for (var i = 0; i < 150; i++)
            {
                // A commit that loses to a rekey batch is SQLITE_BUSY, retried like after any other writer.
                Retried(() => c.Execute("BEGIN; INSERT INTO t(v) VALUES ('during rekey " + i + "'); UPDATE t SET v = v || '.' WHERE id = " + (i * 7 % 1500 + 1) + "; COMMIT;"), c);
                inserted++;
            }
        });
        var rekey = Cli.Run("rekey", _store, "--key-file", both, "--batch", "2");
        writer.Wait();
        Assert.That(rekey.ExitCode, Is.EqualTo(0), rekey.ToString());
        Assert.That(inserted, Is.EqualTo(150));
        Assert.That(KeyIds(), Is.All.EqualTo(2u), "the writer wrote under key 2 as well");
        var check = Cli.Run("sql", _store, "--key-file", KeyFile("keys-only-2", 2), "--csv",
            "SELECT count(*) FROM t; SELECT count(*) FROM t WHERE v LIKE 'during rekey%'; PRAGMA integrity_check;");
        Assert.That(check.ExitCode, Is.EqualTo(0), check.ToString());
        Assert.That(check.Out.Split('\n', StringSplitOptions.TrimEntries), Does.Contain("1650").And.Contain("150").And.Contain("ok"));
    }

    private static void Retried(Action transaction, FolioConnection c)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                transaction();
                return;
            }
            catch (FolioException e) when (e.SqliteCode == 5 && attempt < 1000)
            {
                if (SQLitePCL.raw.sqlite3_get_autocommit(c.Handle) == 0)
                {
                    c.Execute("ROLLBACK");
                }
            }
        }
    }

    [Test]
    public void ASigkillDuringRekeyLeavesAReadableDatabaseAndARerunFinishes()
    {
        Seed(KeyFile("keys-1", 1), rows: 30000, compression: "none");
        var both = KeyFile("keys-2", 1, 2);
        long startVersion;
        using (var store = FilePageStore.Open(_storePath))
        {
            startVersion = store.GetHead().Version;
        }
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Cli.DllPath, "rekey", _store, "--key-file", both, "--batch", "4", "--pause", "10ms" })
        {
            start.ArgumentList.Add(arg);
        }
        using (var store = FilePageStore.Open(_storePath)) // opened first: opening waits for the writer lock, which a running rekey keeps busy
        using (var child = System.Diagnostics.Process.Start(start)!)
        {
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (store.GetHead().Version < startVersion + 10 && !child.HasExited && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(2);
            }
            Assert.That(child.HasExited, Is.False, "the rekey was still running when killed");
            var killedAt = store.GetHead().Version;
            child.Kill(entireProcessTree: true); // SIGKILL
            child.WaitForExit();
            TestContext.Out.WriteLine($"killed at version {killedAt}, started at {startVersion}, now {store.GetHead().Version}");
        }
        var ids = KeyIds();
        TestContext.Out.WriteLine($"killed: {ids.Count(i => i == 2)} of {ids.Count} pages under key 2");
        Assert.That(ids, Does.Contain(1u).And.Contain(2u), "killed halfway: pages under both keys");
        var check = Cli.Run("sql", _store, "--key-file", both, "--csv", "SELECT count(*) FROM t; PRAGMA integrity_check;");
        Assert.That(check.ExitCode, Is.EqualTo(0), check.ToString());
        Assert.That(check.Out.Split('\n', StringSplitOptions.TrimEntries), Does.Contain("30000").And.Contain("ok"));

        var rerun = Cli.Run("rekey", _store, "--key-file", both);
        Assert.That(rerun.ExitCode, Is.EqualTo(0), rerun.ToString());
        Assert.That(KeyIds(), Is.All.EqualTo(2u));
    }
}
