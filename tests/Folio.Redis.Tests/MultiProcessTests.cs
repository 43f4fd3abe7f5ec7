using System.Diagnostics;
using Folio.Testing;
using NUnit.Framework;

namespace Folio.Redis.Tests;

/// <summary>Several OS processes on one database: only Redis's version check stands between them.</summary>
public sealed class MultiProcessTests
{
    [Test]
    public void ThreeProcessesOfSixtyIncrementsAddUpToOneHundredEighty()
    {
        var name = SharedRedis.NewName("processes");
        using var db = FolioDatabase.Open(RedisPageStore.Open(SharedRedis.Connection, name), ownsStore: true);
        using var c = db.OpenConnection();
        c.Execute("CREATE TABLE c(n INTEGER NOT NULL); INSERT INTO c VALUES (0);");

        var child = Path.Combine(TestContext.CurrentContext.TestDirectory, "Folio.Redis.TestChild.dll");
        var processes = Enumerable.Range(0, 3).Select(_ => DotnetProcess.Start(child, SharedRedis.Server.Configuration, name, "60")).ToList();

        var results = processes.Select(p =>
        {
            var stderr = p.StandardError.ReadToEndAsync();
            var stdout = p.StandardOutput.ReadToEnd();
            if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                p.Kill();
            }
            return (p.HasExited ? p.ExitCode : -1, stdout.Trim(), stderr.Result.Trim());
        }).ToList();
        processes.ForEach(p => p.Dispose());

        foreach (var (exitCode, stdout, stderr) in results)
        {
            TestContext.Out.WriteLine($"exit {exitCode}: {stdout} {stderr}");
            Assert.That(exitCode, Is.Zero, $"a child failed outright: {stderr}");
            Assert.That(stdout, Does.StartWith("updated 60 "));
        }
        Assert.That(c.ExecuteScalar("SELECT n FROM c"), Is.EqualTo(180L));
    }
}
