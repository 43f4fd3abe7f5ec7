using System.Globalization;
using System.Text;
using Folio.Storage;
using NUnit.Framework;
using SQLitePCL;

namespace Folio.Testing;

/// <summary>
/// Time travel checked against native SQLite: a workload of random inserts, updates, deletes, a
/// schema change and a VACUUM runs in lockstep on a Folio database and on a native file, the native
/// file is copied after each commit, and then every retained Folio version, exported through a
/// read-only view, must <c>.dump</c> (the sqlite3 tool) exactly as its copy.
/// </summary>
public sealed class HistoryLockstep : IDisposable
{
    private readonly string _directory;
    private readonly sqlite3 _native;
    private readonly Random _random;
    private readonly Dictionary<long, string> _copies = []; // Folio version -> native copy after that commit
    private int _nextKey;

    /// <summary>Opens the native twin in <paramref name="directory"/>.</summary>
    public HistoryLockstep(string directory, int seed = 5)
    {
        FolioRuntime.EnsureProvider();
        _directory = directory;
        Directory.CreateDirectory(directory);
        _random = new Random(seed);
        Check(raw.sqlite3_open(Path.Combine(directory, "native.db"), out _native), "open native.db", _native);
    }

    /// <summary>The native copies by Folio version.</summary>
    public IReadOnlyDictionary<long, string> Copies => _copies;

    /// <summary>Runs <paramref name="commits"/> transactions on both databases (the first creates the schema).</summary>
    public void Run(FolioDatabase db, int commits)
    {
        using var folio = db.OpenConnection();
        for (var i = 0; i < commits; i++)
        {
            var sql = i == 0
                ? "CREATE TABLE item(k INTEGER PRIMARY KEY, v TEXT NOT NULL, n INTEGER); CREATE INDEX item_n ON item(n);"
                : i == commits / 2 ? "ALTER TABLE item ADD COLUMN tag TEXT; CREATE INDEX item_tag ON item(tag); UPDATE item SET tag = 't' || (k % 7);"
                : Statements();
            var transaction = $"BEGIN; {sql} COMMIT;";
            if (i == commits * 3 / 4)
            {
                transaction = "DELETE FROM item WHERE k % 3 = 0;";
                Both(folio, transaction);
                transaction = "VACUUM;"; // a commit that cuts pages off the end
            }
            Both(folio, transaction);
            var version = db.Bookmark.Version;
            var copy = Path.Combine(_directory, $"v{version}.db");
            File.Copy(Path.Combine(_directory, "native.db"), copy, overwrite: true);
            _copies[version] = copy;
        }
    }

    /// <summary>
    /// Exports every retained version through <see cref="FolioDatabase.OpenAt"/> and compares its
    /// <c>.dump</c> with the native copy; versions older than retention must be refused. Returns how
    /// many versions were compared.
    /// </summary>
    public int CompareEveryRetainedVersion(FolioDatabase db)
    {
        var range = db.HistoryRange;
        var compared = 0;
        foreach (var (version, copy) in _copies.OrderBy(c => c.Key))
        {
            var bookmark = FolioBookmark.Of(range.Lineage, version);
            if (!range.Contains(version))
            {
                Assert.Throws<VersionNotRetainedException>(() => db.OpenAt(bookmark).Dispose(), $"version {version} is past retention ({range})");
                continue;
            }
            var exported = Path.Combine(_directory, $"export-{version}.db");
            using (var past = db.OpenAt(bookmark))
            using (var view = past.OpenConnection())
            {
                Export(view, exported);
            }
            Assert.That(Dump(exported), Is.EqualTo(Dump(copy)), $"version {version} exported from Folio differs from native SQLite after the same commit");
            Assert.That(Run("sqlite3", exported, "PRAGMA integrity_check;").Trim(), Is.EqualTo("ok"));
            compared++;
        }
        return compared;
    }

    /// <summary>Copies a Folio database into a new native file with the backup API.</summary>
    public static void Export(FolioConnection source, string path)
    {
        File.Delete(path);
        Check(raw.sqlite3_open(path, out var file), $"open {path}", file);
        using (file)
        {
            var backup = raw.sqlite3_backup_init(file, "main", source.Handle, "main");
            Assert.That(backup, Is.Not.Null, "backup_init");
            var rc = raw.sqlite3_backup_step(backup, -1);
            raw.sqlite3_backup_finish(backup);
            Assert.That(rc, Is.EqualTo(raw.SQLITE_DONE), $"backup into {path}: {raw.sqlite3_errmsg(file).utf8_to_string()}");
        }
    }

    /// <summary>The sqlite3 tool's <c>.dump</c> of a file.</summary>
    public static string Dump(string path) => Run("sqlite3", path, ".dump");

    private static string Run(string tool, params string[] arguments) => RedisServer.RunTool(tool, arguments);

    /// <summary>One transaction's random statements, with literal values so both sides run the same text.</summary>
    private string Statements()
    {
        var sql = new StringBuilder();
        for (var n = _random.Next(1, 5); n > 0; n--)
        {
            switch (_random.Next(6))
            {
                case 0 or 1 or 2:
                    var rows = _random.Next(1, 30);
                    for (var r = 0; r < rows; r++)
                    {
                        // Now and then a value larger than a page: overflow chains grow and shrink too.
                        var length = _random.Next(10) == 0 ? _random.Next(3000, 9000) : _random.Next(5, 200);
                        sql.Append(CultureInfo.InvariantCulture, $"INSERT INTO item(k, v, n) VALUES ({++_nextKey}, '{Text(length)}', {_random.Next(1000)});");
                    }
                    break;
                case 3 or 4:
                    sql.Append(CultureInfo.InvariantCulture, $"UPDATE item SET v = v || '{Text(_random.Next(1, 40))}', n = n + 1 WHERE k % {_random.Next(2, 9)} = {_random.Next(2)};");
                    break;
                default:
                    var from = _random.Next(Math.Max(1, _nextKey));
                    sql.Append(CultureInfo.InvariantCulture, $"DELETE FROM item WHERE k BETWEEN {from} AND {from + _random.Next(1, 20)};");
                    break;
            }
        }
        return sql.ToString();
    }

    private string Text(int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = (char)('a' + _random.Next(26));
        }
        return new string(chars);
    }

    private void Both(FolioConnection folio, string sql)
    {
        folio.Execute(sql);
        Check(raw.sqlite3_exec(_native, sql), sql, _native);
    }

    private static void Check(int rc, string what, sqlite3? db)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw new InvalidOperationException($"native SQLite: {what} failed with {rc}: {(db is null ? "" : raw.sqlite3_errmsg(db).utf8_to_string())}");
        }
    }

    /// <summary>Closes the native twin.</summary>
    public void Dispose() => _native.Dispose();
}
