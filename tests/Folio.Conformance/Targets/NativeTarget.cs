using SQLitePCL;

namespace Folio.Conformance.Targets;

/// <summary>Plain SQLite in memory (<c>:memory:</c>): the reference every Folio store must match.</summary>
public sealed class NativeTarget : IStoreTarget
{
    /// <inheritdoc />
    public string Name => "native";

    /// <inheritdoc />
    public ISqlSession OpenFresh(string label)
    {
        FolioRuntime.EnsureProvider();
        var rc = raw.sqlite3_open(":memory:", out var db);
        if (rc != raw.SQLITE_OK)
        {
            db?.Dispose();
            throw new InvalidOperationException($"cannot open an in-memory SQLite database for {label}: {raw.sqlite3_errstr(rc).utf8_to_string()}");
        }
        return new SqliteSession(db, owner: null);
    }
}
