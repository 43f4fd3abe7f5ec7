using Folio;

namespace Folio.Queries.Tests;

public sealed record AllValues(
    long I64, int I32, short I16, byte U8, bool B, double D, float F, decimal M, string S, byte[] Bytes,
    ReadOnlyMemory<byte> Mem, Guid G, DateTime Dt, DateTimeOffset Dto, DateOnly Date, TimeOnly Time, Priority E);

public sealed record NullableValues(
    long? I64, int? I32, short? I16, byte? U8, bool? B, double? D, float? F, decimal? M, string? S, byte[]? Bytes,
    ReadOnlyMemory<byte>? Mem, Guid? G, DateTime? Dt, DateTimeOffset? Dto, DateOnly? Date, TimeOnly? Time, Priority? E);

/// <summary>One column per supported type, written and read back through typed methods.</summary>
[PagedDatabase(PageSize = 8192)]
[MemoryStorage]
[Migration(1, """
    CREATE TABLE v(id INTEGER PRIMARY KEY, i64 INTEGER, i32 INTEGER, i16 INTEGER, u8 INTEGER, b INTEGER, d REAL, f REAL,
                   m TEXT, s TEXT, bytes BLOB, mem BLOB, g BLOB, dt TEXT, dto TEXT, date TEXT, time TEXT, e INTEGER)
    """)]
public partial class ValuesDb
{
    [Execute("""
        INSERT INTO v(id, i64, i32, i16, u8, b, d, f, m, s, bytes, mem, g, dt, dto, date, time, e)
        VALUES ($id, $i64, $i32, $i16, $u8, $b, $d, $f, $m, $s, $bytes, $mem, $g, $dt, $dto, $date, $time, $e)
        """)]
    public partial void Insert(long id, long i64, int i32, short i16, byte u8, bool b, double d, float f, decimal m, string s, byte[] bytes,
        ReadOnlyMemory<byte> mem, Guid g, DateTime dt, DateTimeOffset dto, DateOnly date, TimeOnly time, Priority e);

    [Execute("""
        INSERT INTO v(id, i64, i32, i16, u8, b, d, f, m, s, bytes, mem, g, dt, dto, date, time, e)
        VALUES ($id, $i64, $i32, $i16, $u8, $b, $d, $f, $m, $s, $bytes, $mem, $g, $dt, $dto, $date, $time, $e)
        """)]
    public partial void InsertNullable(long id, long? i64, int? i32, short? i16, byte? u8, bool? b, double? d, float? f, decimal? m, string? s, byte[]? bytes,
        ReadOnlyMemory<byte>? mem, Guid? g, DateTime? dt, DateTimeOffset? dto, DateOnly? date, TimeOnly? time, Priority? e);

    [Query("SELECT i64, i32, i16, u8, b, d, f, m, s, bytes, mem, g, dt, dto, date, time, e FROM v WHERE id = $id")]
    public partial AllValues Read(long id);

    [Query("SELECT i64, i32, i16, u8, b, d, f, m, s, bytes, mem, g, dt, dto, date, time, e FROM v WHERE id = $id")]
    public partial NullableValues ReadNullable(long id);

    [Query("SELECT s FROM v WHERE id = $id")]
    public partial string ReadString(long id);

    [Query("SELECT i64 FROM v WHERE id = $id")]
    public partial int ReadI64AsInt(long id);

    [Query("SELECT typeof(i64), typeof(d), typeof(m), typeof(s), typeof(bytes), typeof(g), typeof(dt), typeof(e) FROM v WHERE id = $id")]
    public partial (string, string, string, string, string, string, string, string) StorageClasses(long id);

    [Query("SELECT dt, date, time FROM v WHERE id = $id")]
    public partial (string Dt, string Date, string Time) DateTexts(long id);

    [Query("SELECT g FROM v WHERE id = $id")]
    public partial Guid? FindGuid(long id);
}
