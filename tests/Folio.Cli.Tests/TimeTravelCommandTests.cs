using System.Globalization;
using System.Text.Json;
using Folio.Storage;
using NUnit.Framework;

namespace Folio.Cli.Tests;

/// <summary>
/// <c>folio log</c>, <c>export --at</c>, <c>restore</c> and <c>branch</c> on a file store with four
/// versions whose every state was exported (and dumped by the sqlite3 shell) as it was made.
/// </summary>
[TestFixture]
public class TimeTravelCommandTests
{
    private static readonly string[] Steps =
    [
        "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)",
        "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 300) INSERT INTO t(v) SELECT printf('row %d %0200d', i, i) FROM s",
        "UPDATE t SET v = 'changed ' || id WHERE id <= 40",
        "DELETE FROM t WHERE id > 120",
    ];

    private TestDirectory _directory = null!;
    private string _store = null!;
    private string[] _dumps = null!; // _dumps[v] is the .dump of version v

    [SetUp]
    public void SetUp()
    {
        _directory = new TestDirectory();
        _store = $"file:{_directory.File("data.folio")}";
        _dumps = new string[Steps.Length + 1];
        for (var i = 0; i < Steps.Length; i++)
        {
            Ok(Cli.Run("sql", _store, Steps[i]));
            _dumps[i + 1] = DumpOf(Cli.Run("export", _store, _directory.File($"live-{i + 1}.db")), $"live-{i + 1}.db");
        }
    }

    [TearDown]
    public void TearDown() => _directory.Dispose();

    private static CliResult Ok(CliResult result)
    {
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        return result;
    }

    private string DumpOf(CliResult export, string file)
    {
        Ok(export);
        return SqliteShell.Dump(_directory.File(file));
    }

    private string Export(string at, string file) => DumpOf(Cli.Run("export", _store, _directory.File(file), "--at", at), file);

    /// <summary>The store's own record of its versions, newest first, and its lineage, read through the API.</summary>
    private (IReadOnlyList<StoreVersion> Versions, StoreLineage Lineage, StoreHistoryUsage Usage) ReadHistory(string? store = null)
    {
        using var file = FilePageStore.Open(_directory.File((store ?? "data") + ".folio"));
        using var db = FolioDatabase.Open(file);
        return (db.GetVersions(), db.HistoryRange.Lineage, file.GetUsage());
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    [Test]
    public void LogListsEveryRetainedVersionNewestFirstAsTheStoreRecordsIt()
    {
        var (versions, lineage, usage) = ReadHistory();
        Assert.That(versions.Select(v => v.Version), Is.EqualTo(new long[] { 4, 3, 2, 1 }));
        var lines = Ok(Cli.Run("log", _store)).Out.Split('\n', StringSplitOptions.TrimEntries);
        Assert.That(lines[0], Is.EqualTo($"store:        {_store}"));
        Assert.That(lines[1], Is.EqualTo($"database:     {lineage.DatabaseId:D}, epoch 0"));
        Assert.That(lines[2], Is.EqualTo("retained:     versions 1 to 4 (4 versions)"));
        Assert.That(lines[3], Is.EqualTo("retention:    100 versions within 1.00:00:00 (what folio's commits keep; each writer collects by its own setting)"));
        Assert.That(lines[4], Is.EqualTo($"history cost: {usage.Values} past page values, {usage.Bytes} bytes, {usage.Versions} version records"));
        Assert.That(usage.Values, Is.GreaterThan(0));
        Assert.That(lines[6].Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Is.EqualTo(new[] { "version", "committed (UTC)", "pages", "written", "bytes", "bookmark" }));
        var rows = lines[7..].Where(l => l.Length > 0).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.That(rows, Has.Count.EqualTo(4));
        for (var i = 0; i < versions.Count; i++)
        {
            var v = versions[i];
            Assert.That(rows[i], Is.EqualTo(new[]
            {
                $"{v.Version}", Time(v.CommittedAt), $"{v.PageCount}", $"{v.PagesWritten}", $"{v.BytesWritten}", FolioBookmark.Of(lineage, v.Version).ToString(),
            }), $"line of version {v.Version}");
        }
    }

    [Test]
    public void LogJsonIsOneDocumentAndLimitKeepsTheNewest()
    {
        var (versions, lineage, usage) = ReadHistory();
        var output = Ok(Cli.Run("log", _store, "--json")).Out;
        Assert.That(output.TrimEnd().Split('\n'), Has.Length.EqualTo(1), "one line");
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        Assert.That(root.GetProperty("store").GetString(), Is.EqualTo(_store));
        Assert.That(root.GetProperty("databaseId").GetString(), Is.EqualTo(lineage.DatabaseId.ToString("D")));
        Assert.That(root.GetProperty("oldest").GetInt64(), Is.EqualTo(1));
        Assert.That(root.GetProperty("newest").GetInt64(), Is.EqualTo(4));
        Assert.That(root.GetProperty("retention").GetProperty("versions").GetInt32(), Is.EqualTo(100));
        Assert.That(root.GetProperty("usage").GetProperty("bytes").GetInt64(), Is.EqualTo(usage.Bytes));
        Assert.That(root.GetProperty("usage").GetProperty("values").GetInt64(), Is.EqualTo(usage.Values));
        var listed = root.GetProperty("versions").EnumerateArray().ToList();
        Assert.That(listed.Select(e => e.GetProperty("version").GetInt64()), Is.EqualTo(versions.Select(v => v.Version)));
        for (var i = 0; i < versions.Count; i++)
        {
            Assert.That(listed[i].GetProperty("committedAt").GetString(), Is.EqualTo(Time(versions[i].CommittedAt)));
            Assert.That(listed[i].GetProperty("pageCount").GetInt64(), Is.EqualTo(versions[i].PageCount));
            Assert.That(listed[i].GetProperty("pagesWritten").GetInt32(), Is.EqualTo(versions[i].PagesWritten));
            Assert.That(listed[i].GetProperty("bytesWritten").GetInt64(), Is.EqualTo(versions[i].BytesWritten));
            Assert.That(listed[i].GetProperty("bookmark").GetString(), Is.EqualTo(FolioBookmark.Of(lineage, versions[i].Version).ToString()));
        }

        using var limited = JsonDocument.Parse(Ok(Cli.Run("log", _store, "--json", "--limit", "2")).Out);
        Assert.That(limited.RootElement.GetProperty("versions").EnumerateArray().Select(e => e.GetProperty("version").GetInt64()), Is.EqualTo(new long[] { 4, 3 }));
        var text = Ok(Cli.Run("log", _store, "--limit", "2")).Out;
        Assert.That(text, Does.Contain("(2 older retained versions not shown; --limit 4 shows them all)"));
        Assert.That(text, Does.Not.Contain(FolioBookmark.Of(lineage, 2).ToString()));
    }

    [Test]
    public void LogOfADatabaseNeverWrittenSaysSo()
    {
        var empty = $"file:{_directory.File("empty.folio")}";
        Ok(Cli.Run("sql", empty, "SELECT 1"));
        var text = Ok(Cli.Run("log", empty)).Out;
        Assert.That(text, Does.Contain("retained:     version 0 only (1 version)").And.EndWith("(no commits yet)" + Environment.NewLine));
        Assert.That(text, Does.Not.Contain("not shown"));
        using var json = JsonDocument.Parse(Ok(Cli.Run("log", empty, "--json")).Out);
        Assert.That(json.RootElement.GetProperty("versions").GetArrayLength(), Is.EqualTo(0));
    }

    [Test]
    public void ExportAtEachVersionIsThatVersionsDump()
    {
        Assert.That(_dumps.Skip(1).Distinct().Count(), Is.EqualTo(Steps.Length), "each step changed the database");
        var (versions, lineage, _) = ReadHistory();
        foreach (var v in versions)
        {
            Assert.That(Export(v.Version.ToString(CultureInfo.InvariantCulture), $"at-{v.Version}.db"), Is.EqualTo(_dumps[v.Version]), $"--at {v.Version}");
            Assert.That(Export(FolioBookmark.Of(lineage, v.Version).ToString(), $"bookmark-{v.Version}.db"), Is.EqualTo(_dumps[v.Version]), $"--at bookmark of {v.Version}");
            // The version's own commit time (as log prints it) and a time just before the next commit both name it.
            Assert.That(Export(Time(v.CommittedAt), $"time-{v.Version}.db"), Is.EqualTo(_dumps[v.Version]), $"--at the commit time of {v.Version}");
        }
        var second = versions.Single(v => v.Version == 2);
        var third = versions.Single(v => v.Version == 3);
        if (third.CommittedAt - second.CommittedAt > TimeSpan.FromMilliseconds(1))
        {
            var before = third.CommittedAt.AddMilliseconds(-1).ToOffset(TimeSpan.FromHours(2)).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);
            Assert.That(Export(before, "offset.db"), Is.EqualTo(_dumps[2]), $"--at {before}, a time with its own offset");
        }
        var export = Ok(Cli.Run("export", _store, _directory.File("said.db"), "--at", "2"));
        Assert.That(export.Out, Does.StartWith($"Exported {_store} at version 2 ({FolioBookmark.Of(lineage, 2)}) to "));
    }

    [Test]
    public void RestoreMakesThePastCurrentAndItsUndoLineBringsBackTheStateBefore()
    {
        var (_, lineage, _) = ReadHistory();
        var restore = Ok(Cli.Run("restore", _store, "--at", "2"));
        var lines = restore.Out.TrimEnd().Split('\n', StringSplitOptions.TrimEntries);
        Assert.That(lines, Is.EqualTo(new[]
        {
            $"Restored {_store} to version 2 ({FolioBookmark.Of(lineage, 2)}): version 4 -> 5",
            $"bookmark: {FolioBookmark.Of(lineage, 5)}",
            $"undo:     folio restore {_store} --at {FolioBookmark.Of(lineage, 4)}",
        }));
        Assert.That(Export("5", "restored.db"), Is.EqualTo(_dumps[2]));
        Assert.That(Ok(Cli.Run("sql", _store, "--csv", "PRAGMA integrity_check")).Out, Does.Contain("ok"));

        var undo = lines[2]["undo:".Length..].Trim().Split(' ');
        Assert.That(undo[..2], Is.EqualTo(new[] { "folio", "restore" }));
        Assert.That(Ok(Cli.Run(undo[1..])).Out, Does.StartWith($"Restored {_store} to version 4 ({FolioBookmark.Of(lineage, 4)}): version 5 -> 6"));
        Assert.That(Export("6", "undone.db"), Is.EqualTo(_dumps[4]));
        Assert.That(ReadHistory().Versions.Select(v => v.Version), Is.EqualTo(new long[] { 6, 5, 4, 3, 2, 1 }), "a restore adds a version and drops none");
    }

    [Test]
    public void BranchStartsANewDatabaseThatEvolvesApart()
    {
        var (_, lineage, _) = ReadHistory();
        var target = $"file:{_directory.File("branch.folio")}";
        var branch = Ok(Cli.Run("branch", _store, target, "--at", "3"));
        var (branchVersions, branchLineage, _) = ReadHistory("branch");
        Assert.That(branchLineage.DatabaseId, Is.Not.EqualTo(lineage.DatabaseId), "a branch has an identity of its own");
        Assert.That(branch.Out.TrimEnd().Split('\n', StringSplitOptions.TrimEntries), Is.EqualTo(new[]
        {
            $"Branched {_store} at version 3 ({FolioBookmark.Of(lineage, 3)}) into {target}: {branchVersions[0].PageCount} pages of 4096 bytes",
            $"bookmark: {FolioBookmark.Of(branchLineage, branchVersions[0].Version)}",
        }));
        Assert.That(DumpOf(Cli.Run("export", target, _directory.File("branch.db")), "branch.db"), Is.EqualTo(_dumps[3]));

        Ok(Cli.Run("sql", target, "INSERT INTO t(v) VALUES ('only in the branch')"));
        Ok(Cli.Run("sql", _store, "DELETE FROM t WHERE id <= 5"));
        Assert.That(Ok(Cli.Run("sql", target, "--csv", "SELECT count(*) FROM t")).Out, Does.Contain("301"));
        Assert.That(Ok(Cli.Run("sql", _store, "--csv", "SELECT count(*) FROM t WHERE v = 'only in the branch'")).Out, Does.Contain("\r\n0\r\n"));
        Assert.That(Ok(Cli.Run("sql", _store, "--csv", "SELECT count(*) FROM t")).Out, Does.Contain("115"));

        // A second branch into the same (now non-empty) store is refused and leaves it as it was.
        var again = Cli.Run("branch", _store, target, "--at", "1");
        Assert.That(again.ExitCode, Is.EqualTo(1), again.ToString());
        Assert.That(again.Error, Does.Contain($"store '{target}' already holds a database").And.Contain("name a store that does not exist yet"));
        Assert.That(Ok(Cli.Run("sql", target, "--csv", "SELECT count(*) FROM t")).Out, Does.Contain("301"));

        // Another database of the same outer file is a new store too.
        var neighbour = _store + "#copy";
        Ok(Cli.Run("branch", _store, neighbour, "--at", "2"));
        Assert.That(DumpOf(Cli.Run("export", neighbour, _directory.File("copy.db")), "copy.db"), Is.EqualTo(_dumps[2]));
    }
}
