using System.Globalization;
using Folio.Storage;
using NUnit.Framework;

namespace Folio.Torture.Tests;

/// <summary>
/// Writers killed with SIGKILL at random moments: after every kill the database opens, passes
/// integrity_check and every page checksum, and holds exactly the rows 1..k, where k is the last
/// acknowledged commit or (killed between the commit and its acknowledgement) one more.
/// </summary>
[TestFixture]
public class KillTortureTests
{
    private const int DefaultKills = 50;

    private string _directory = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), "folio-torture", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void TearDown()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS temp cleaner.
        }
    }

    /// <summary>Kills per run: FOLIO_TORTURE_KILLS, at least <see cref="DefaultKills"/>.</summary>
    private static int Kills =>
        int.TryParse(Environment.GetEnvironmentVariable("FOLIO_TORTURE_KILLS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
            ? Math.Max(n, DefaultKills)
            : DefaultKills;

    [Test]
    public void AppendingWriterKilledAtRandomNeverLosesNorTearsACommit()
    {
        var path = Path.Combine(_directory, "appends.folio");
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var log = new List<string>();
        long committed = 0;
        var earlyKills = 0;
        for (var round = 1; round <= Kills; round++)
        {
            // Alternate the file store's modes: the exclusive mode keeps the outer WAL index in
            // process memory, so the next opener must rebuild it from the WAL after the kill.
            var mode = round % 3 == 0 ? "exclusive" : "shared";
            // One round in eight kills the child while it starts or opens the store (recovery included).
            var early = random.Next(8) == 0;
            var delay = early ? random.Next(0, 400) : random.Next(50, 400);
            long acknowledged;
            using (var child = ChildProcess.StartAppender(path, mode))
            {
                if (early)
                {
                    earlyKills++;
                    Thread.Sleep(delay);
                }
                else
                {
                    Assert.That(child.Ready.Wait(TimeSpan.FromSeconds(60)), Is.True, $"round {round}: the child did not open the store in 60 s");
                    Assert.That(child.Ready.Result, Is.EqualTo(committed), $"round {round}: the child found another last row than the check after the previous kill");
                    Thread.Sleep(delay);
                }
                Assert.That(child.HasExited, Is.False, () => $"round {round}: the child exited by itself with code {child.ExitCode}: {child.StandardError}");
                child.Kill();
                Assert.That(child.ProtocolError, Is.Null, $"round {round}");
                acknowledged = child.LastAcknowledged;
            }

            var found = CheckStore(path, round);
            log.Add($"round {round} ({mode}, {(early ? "early " : "")}{delay} ms): acknowledged {acknowledged}, found {found}");
            var floor = Math.Max(acknowledged, committed);
            Assert.That(found, Is.InRange(floor, floor + 1),
                () => $"seed {seed}, round {round}: rows 1..{found} survived, but {acknowledged} was acknowledged (and {committed} found before).\n{string.Join("\n", log)}");
            committed = found;
        }
        TestContext.Out.WriteLine($"seed {seed}: {Kills} kills ({earlyKills} while starting), {committed} rows committed in all");
        Assert.That(committed, Is.GreaterThan(Kills), "the children committed too little for the kills to mean anything");
    }

    /// <summary>Opens the store as a restarted process would and checks everything; returns k.</summary>
    private static long CheckStore(string path, int round)
    {
        using var store = FilePageStore.Open(path);
        var head = store.GetHead();
        CheckEveryPageChecksum(store, round);
        using var db = FolioDatabase.Open(store);
        using var connection = db.OpenConnection();
        Assert.That(connection.ExecuteScalar("PRAGMA integrity_check"), Is.EqualTo("ok"), $"round {round}: integrity_check at version {head.Version}");
        if (connection.ExecuteScalar("SELECT count(*) FROM sqlite_schema WHERE name = 't'") is 0L)
        {
            return 0; // killed before the schema's transaction committed
        }
        var rows = connection.Query("SELECT seq, payload FROM t ORDER BY seq");
        for (var i = 0; i < rows.Count; i++)
        {
            var seq = (long)rows[i][0]!;
            if (seq != i + 1)
            {
                Assert.Fail($"round {round}: row {i + 1} has sequence number {seq}: a gap or a duplicate");
            }
            if ((string)rows[i][1]! != TestChild.Payload.For(seq))
            {
                Assert.Fail($"round {round}: the payload of row {seq} is not the one written");
            }
        }
        Assert.That(connection.ExecuteScalar("SELECT last FROM meta WHERE id = 1"), Is.EqualTo((long)rows.Count),
            $"round {round}: meta.last was committed apart from its row");
        return rows.Count;
    }

    private static void CheckEveryPageChecksum(FilePageStore store, int round)
    {
        using var reader = store.BeginRead(0);
        var stored = new byte[ChecksumPageCodec.Instance.MaxEncodedSize(store.PageSize) + 1024];
        var page = new byte[store.PageSize];
        for (long number = 0; number < reader.PageCount; number++)
        {
            var length = reader.ReadPage(number, stored);
            Assert.That(length, Is.GreaterThan(0), $"round {round}: page {number} of {reader.PageCount} has no stored value");
            Assert.DoesNotThrow(() => ChecksumPageCodec.Instance.Decode(store.Name, new PageAddress(store.GetHead().Lineage.DatabaseId, number, store.GetHead().Version), stored.AsSpan(0, length), page),
                $"round {round}: page {number}");
        }
    }
}
