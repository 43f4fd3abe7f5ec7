using Dapper;
using Folio.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using NUnit.Framework;

namespace Folio.Queries.Tests;

/// <summary>Other SQLite clients in the process open a generated class's database through its VFS name.</summary>
public class InteropTests
{
    private static TodoDb OpenFresh() => TodoDb.Open(new MemoryPageStore("interop-" + Guid.NewGuid().ToString("N")));

    [Test]
    public void MicrosoftDataSqliteReadsAndWritesThroughTheVfs()
    {
        using var db = OpenFresh();
        db.Add("typed", Priority.High, new DateTime(2026, 5, 6, 7, 8, 9));
        Assert.That(db.ConnectionString, Does.Contain("Vfs=folio:Folio.Queries.Tests.TodoDb"));

        using (var connection = new SqliteConnection(db.ConnectionString))
        {
            connection.Open();
            using var read = connection.CreateCommand();
            read.CommandText = "SELECT title, priority, due_at FROM todo";
            using (var reader = read.ExecuteReader())
            {
                Assert.That(reader.Read(), Is.True);
                Assert.That((reader.GetString(0), reader.GetInt64(1), reader.GetDateTime(2)), Is.EqualTo(("typed", 2L, new DateTime(2026, 5, 6, 7, 8, 9))));
            }
            using var write = connection.CreateCommand();
            write.CommandText = "INSERT INTO todo(title, due_at) VALUES ($title, $due)";
            write.Parameters.AddWithValue("$title", "from Microsoft.Data.Sqlite");
            write.Parameters.AddWithValue("$due", new DateTime(2027, 1, 1, 12, 0, 0));
            write.ExecuteNonQuery();
        }
        Assert.That(db.Titles(), Is.EqualTo(new[] { "typed", "from Microsoft.Data.Sqlite" }));
        Assert.That(db.Get(2).DueAt, Is.EqualTo(new DateTime(2027, 1, 1, 12, 0, 0)));
    }

    [Test]
    public void DapperReadsAndWritesThroughTheVfs()
    {
        using var db = OpenFresh();
        db.Add("typed", Priority.Low, null);
        using (var connection = new SqliteConnection(db.ConnectionString))
        {
            var rows = connection.Query<(long Id, string Title)>("SELECT id, title FROM todo").ToList();
            Assert.That(rows, Is.EqualTo(new[] { (1L, "typed") }));
            connection.Execute("INSERT INTO todo(title, done) VALUES (@Title, @Done)", new { Title = "from Dapper", Done = true });
        }
        Assert.That(db.List(done: true), Is.EqualTo(new[] { new Todo(2, "from Dapper", true) }));
    }

    [Test]
    public void EntityFrameworkCoreReadsAndWritesThroughTheVfs()
    {
        using var db = OpenFresh();
        db.Add("typed", Priority.Normal, null);
        var options = new DbContextOptionsBuilder<TodoContext>().UseSqlite(db.ConnectionString).Options;
        using (var context = new TodoContext(options))
        {
            Assert.That(context.Todos.OrderBy(t => t.Id).Select(t => t.Title).ToList(), Is.EqualTo(new[] { "typed" }));
            context.Todos.Add(new TodoEntity { Title = "from EF Core", Done = true, Priority = 2 });
            context.SaveChanges();
        }
        Assert.That(db.List(done: true), Is.EqualTo(new[] { new Todo(2, "from EF Core", true) }));
        Assert.That(db.Get(2).Priority, Is.EqualTo(Priority.High));
    }

    [Test]
    public void WritesFromOtherClientsReachTheStoreAsOneCommit()
    {
        var store = new MemoryPageStore("interop-commit-" + Guid.NewGuid().ToString("N"));
        using var db = TodoDb.Open(store);
        var before = store.GetHead().Version;
        using (var connection = new SqliteConnection(db.ConnectionString))
        {
            connection.Open();
            using var tx = connection.BeginTransaction();
            for (var i = 0; i < 50; i++)
            {
                connection.Execute("INSERT INTO todo(title) VALUES (@t)", new { t = $"row {i}" }, tx);
            }
            tx.Commit();
        }
        Assert.That(store.GetHead().Version, Is.EqualTo(before + 1));
        Assert.That(db.Count(), Is.EqualTo(50));
    }
}

public sealed class TodoEntity
{
    public long Id { get; set; }

    public string Title { get; set; } = "";

    public bool Done { get; set; }

    public long Priority { get; set; }
}

public sealed class TodoContext(DbContextOptions<TodoContext> options) : DbContext(options)
{
    public DbSet<TodoEntity> Todos => Set<TodoEntity>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var todo = modelBuilder.Entity<TodoEntity>().ToTable("todo");
        todo.Property(t => t.Id).HasColumnName("id");
        todo.Property(t => t.Title).HasColumnName("title");
        todo.Property(t => t.Done).HasColumnName("done");
        todo.Property(t => t.Priority).HasColumnName("priority");
    }
}
