using System.Text;
using Folio.Storage;
using NUnit.Framework;

namespace Folio.Queries.Tests;

public class ValueTests
{
    private static readonly Guid SomeGuid = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

    private static ValuesDb OpenFresh() => ValuesDb.Open(new MemoryPageStore("values-" + Guid.NewGuid().ToString("N"), ValuesDb.PageSize));

    [Test]
    public void EverySupportedTypeRoundTrips()
    {
        using var db = OpenFresh();
        var dt = new DateTime(2026, 11, 24, 13, 45, 30, 123).AddTicks(4567);
        var dto = new DateTimeOffset(2026, 11, 24, 13, 45, 30, TimeSpan.FromHours(-5));
        db.Insert(1, long.MaxValue, int.MinValue, short.MaxValue, byte.MaxValue, true, Math.PI, 1.5f, 79228162514264337593543950.335m, "héllo ✓",
            new byte[] { 1, 2, 3 }, new byte[] { 4, 5 }, SomeGuid, dt, dto, new DateOnly(2026, 2, 28), new TimeOnly(23, 59, 58, 250), Priority.High);

        var v = db.Read(1);
        Assert.Multiple(() =>
        {
            Assert.That(v.I64, Is.EqualTo(long.MaxValue));
            Assert.That(v.I32, Is.EqualTo(int.MinValue));
            Assert.That(v.I16, Is.EqualTo(short.MaxValue));
            Assert.That(v.U8, Is.EqualTo(byte.MaxValue));
            Assert.That(v.B, Is.True);
            Assert.That(v.D, Is.EqualTo(Math.PI));
            Assert.That(v.F, Is.EqualTo(1.5f));
            Assert.That(v.M, Is.EqualTo(79228162514264337593543950.335m));
            Assert.That(v.S, Is.EqualTo("héllo ✓"));
            Assert.That(v.Bytes, Is.EqualTo(new byte[] { 1, 2, 3 }));
            Assert.That(v.Mem.ToArray(), Is.EqualTo(new byte[] { 4, 5 }));
            Assert.That(v.G, Is.EqualTo(SomeGuid));
            Assert.That(v.Dt, Is.EqualTo(dt));
            Assert.That(v.Dto, Is.EqualTo(dto));
            Assert.That(v.Dto.Offset, Is.EqualTo(TimeSpan.FromHours(-5)));
            Assert.That(v.Date, Is.EqualTo(new DateOnly(2026, 2, 28)));
            Assert.That(v.Time, Is.EqualTo(new TimeOnly(23, 59, 58, 250)));
            Assert.That(v.E, Is.EqualTo(Priority.High));
        });
    }

    [Test]
    public void ValuesAreStoredInTheStorageClassesOtherClientsExpect()
    {
        using var db = OpenFresh();
        db.Insert(1, 1, 2, 3, 4, false, 0.5, 0.25f, 1.10m, "s", new byte[] { 9 }, new byte[] { 8 }, SomeGuid,
            new DateTime(2026, 1, 2, 3, 4, 5), DateTimeOffset.UnixEpoch, new DateOnly(2026, 1, 2), new TimeOnly(3, 4, 5), Priority.Low);
        Assert.That(db.StorageClasses(1), Is.EqualTo(("integer", "real", "text", "text", "blob", "blob", "text", "integer")));
        Assert.That(db.DateTexts(1), Is.EqualTo(("2026-01-02 03:04:05", "2026-01-02", "03:04:05.0000000")));
    }

    [Test]
    public void NullableFormsBindAndReadNull()
    {
        using var db = OpenFresh();
        db.InsertNullable(1, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
        var v = db.ReadNullable(1);
        Assert.That(v, Is.EqualTo(new NullableValues(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null)));
        Assert.That(db.FindGuid(1), Is.Null);
    }

    [Test]
    public void NullableFormsBindAndReadValues()
    {
        using var db = OpenFresh();
        db.InsertNullable(1, 5, 6, 7, 8, true, 1.25, 2.5f, 3.75m, "x", new byte[] { 1 }, new byte[] { 2 }, SomeGuid,
            new DateTime(2026, 3, 4), new DateTimeOffset(2026, 3, 4, 0, 0, 0, TimeSpan.Zero), new DateOnly(2026, 3, 4), new TimeOnly(5, 6), Priority.Normal);
        var v = db.ReadNullable(1);
        Assert.Multiple(() =>
        {
            Assert.That((v.I64, v.I32, v.I16, v.U8, v.B), Is.EqualTo(((long?)5, (int?)6, (short?)7, (byte?)8, (bool?)true)));
            Assert.That((v.D, v.F, v.M, v.S), Is.EqualTo(((double?)1.25, (float?)2.5f, (decimal?)3.75m, "x")));
            Assert.That(v.Bytes, Is.EqualTo(new byte[] { 1 }));
            Assert.That(v.Mem!.Value.ToArray(), Is.EqualTo(new byte[] { 2 }));
            Assert.That((v.G, v.Dt, v.Date, v.Time, v.E), Is.EqualTo(((Guid?)SomeGuid, (DateTime?)new DateTime(2026, 3, 4), (DateOnly?)new DateOnly(2026, 3, 4), (TimeOnly?)new TimeOnly(5, 6), (Priority?)Priority.Normal)));
            Assert.That(v.Dto, Is.EqualTo(new DateTimeOffset(2026, 3, 4, 0, 0, 0, TimeSpan.Zero)));
        });
        Assert.That(db.FindGuid(1), Is.EqualTo(SomeGuid));
    }

    [Test]
    public void NullInANonNullableMemberIsAClearError()
    {
        using var db = OpenFresh();
        db.InsertNullable(1, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
        var error = Assert.Throws<InvalidOperationException>(() => db.ReadString(1));
        Assert.That(error!.Message, Does.Contain("ValuesDb.ReadString").And.Contain("column 's' is NULL"));
        Assert.Throws<InvalidOperationException>(() => db.Read(1));
    }

    [Test]
    public void AValueOutOfRangeIsAClearError()
    {
        using var db = OpenFresh();
        db.InsertNullable(1, long.MaxValue, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
        var error = Assert.Throws<InvalidOperationException>(() => db.ReadI64AsInt(1));
        Assert.That(error!.Message, Does.Contain("does not fit in Int32"));
    }

    [Test]
    public void EmptyBlobsAndEmptyStringsStayEmptyNotNull()
    {
        using var db = OpenFresh();
        db.InsertNullable(1, null, null, null, null, null, null, null, null, "", Array.Empty<byte>(), ReadOnlyMemory<byte>.Empty, null, null, null, null, null, null);
        var v = db.ReadNullable(1);
        Assert.That(v.S, Is.EqualTo(""));
        Assert.That(v.Bytes, Is.Empty);
        Assert.That(v.Mem, Is.Not.Null);
        Assert.That(Encoding.UTF8.GetString(v.Mem!.Value.Span), Is.Empty);
    }
}
