using System.Diagnostics.Metrics;
using NUnit.Framework;

namespace Folio.Tests;

/// <summary>Once the store accepted a commit, the caller hears success whatever runs after it.</summary>
[TestFixture(StoreKind.Memory, "none")]
[TestFixture(StoreKind.File, "none")]
[TestFixture(StoreKind.Memory, "lz4")]
[TestFixture(StoreKind.File, "aes")]
[TestFixture(StoreKind.Memory, "aes+zstd")]
[TestFixture(StoreKind.File, "aes+lz4")]
public class PostCommitTests(StoreKind kind, string codec) : StoreTest(codec)
{
    [Test]
    public void AMetricsListenerThatThrowsOnTheCommitCounterDoesNotFailTheCommit()
    {
        var store = Stores.Create(kind);
        using var db = OpenDatabase(store);
        using var c = db.OpenConnection();
        c.Execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
        var version = store.GetHead().Version;

        var thrown = 0;
        using (var listener = new MeterListener())
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Folio" && instrument.Name == "folio.commits")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    // Only this test's database: other tests' commits are none of this listener's business.
                    if (tag.Key == "folio.database" && Equals(tag.Value, db.Name))
                    {
                        thrown++;
                        throw new InvalidOperationException("metrics exporter failed");
                    }
                }
            });
            listener.Start();

            Assert.DoesNotThrow(() => c.Execute("INSERT INTO t(v) VALUES ('committed')"));
            Assert.That(thrown, Is.EqualTo(1), "the listener ran after the store's commit");
            Assert.That(store.GetHead().Version, Is.EqualTo(version + 1));
            Assert.That(c.ExecuteScalar("SELECT group_concat(v) FROM t"), Is.EqualTo("committed"));

            // The connection's view moved to the committed version: the next commit is not a conflict.
            Assert.DoesNotThrow(() => c.Execute("INSERT INTO t(v) VALUES ('next')"));
        }

        Assert.That(store.GetHead().Version, Is.EqualTo(version + 2));
        Assert.That(c.ExecuteScalar("PRAGMA integrity_check"), Is.EqualTo("ok"));
        using var fresh = OpenDatabase(Stores.Reopen(kind, store), new FolioOptions { Name = db.Name + "-check" });
        using var check = fresh.OpenConnection();
        Assert.That(check.ExecuteScalar("SELECT group_concat(v) FROM t"), Is.EqualTo("committed,next"));
    }
}
