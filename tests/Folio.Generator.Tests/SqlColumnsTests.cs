using NUnit.Framework;

namespace Folio.Generator.Tests;

/// <summary>The column names read from SQL text, as SQLite names them, or none when the text cannot tell.</summary>
public class SqlColumnsTests
{
    [TestCase("SELECT id, title, done FROM todo WHERE done = $done ORDER BY id", "id|title|done")]
    [TestCase("select distinct t.id, t.title as Name from todo t", "id|Name")]
    [TestCase("SELECT count(*) AS total, coalesce(sum(done), 0) AS done FROM todo", "total|done")]
    [TestCase("SELECT \"quoted \"\"name\"\"\", [bracketed], `ticked` FROM t", "quoted \"name\"|bracketed|ticked")]
    [TestCase("SELECT CASE WHEN x > 0 THEN 'a, b' ELSE 'c' END AS kind FROM t -- , trailing", "kind")]
    [TestCase("WITH recent(id) AS (SELECT id FROM t LIMIT 5) SELECT id FROM recent UNION SELECT 0", "id")]
    [TestCase("INSERT INTO t(name) SELECT name FROM s RETURNING id, name AS label", "id|label")]
    [TestCase("WITH c AS (SELECT 1 AS n) UPDATE t SET x = 1 RETURNING x", "x")]
    [TestCase("SELECT a FROM t; SELECT b FROM u", "a")]
    public void NamesTheColumns(string sql, string expected) =>
        Assert.That(SqlColumns.Of(sql), Is.EqualTo(expected.Split('|')));

    [TestCase("SELECT * FROM t")]
    [TestCase("SELECT t.* FROM t")]
    [TestCase("SELECT id, upper(name) FROM t")]
    [TestCase("SELECT 1")]
    [TestCase("SELECT id, 'text' FROM t")]
    [TestCase("VALUES (1, 2)")]
    [TestCase("INSERT INTO t(name) VALUES ('x')")]
    [TestCase("PRAGMA table_info(t)")]
    [TestCase("")]
    public void CannotTellFromTheText(string sql) => Assert.That(SqlColumns.Of(sql), Is.Null);
}
