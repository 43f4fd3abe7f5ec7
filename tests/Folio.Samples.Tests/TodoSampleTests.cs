using System.Diagnostics;
using NUnit.Framework;

namespace Folio.Samples.Tests;

/// <summary>
/// Runs samples/Todo as separate processes in a scratch directory, as a user would: each command
/// is a new process, and the data in ./todo-data must carry from one to the next.
/// </summary>
public class TodoSampleTests
{
    private string _directory = "";

    [SetUp]
    public void CreateScratchDirectory() => _directory = Directory.CreateTempSubdirectory("folio-todo-").FullName;

    [TearDown]
    public void DeleteScratchDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void TheSamplesSqlValidatesAgainstItsSchema() => Assert.That(Todo.TodoDb.ValidateSql(), Is.Empty);

    [Test]
    public void ASecondProcessSeesWhatTheFirstWrote()
    {
        Assert.That(Run("add", "buy", "milk"), Is.EqualTo((0, "added #1: buy milk\n", "")));
        Assert.That(Run("list"), Is.EqualTo((0, "[ ] #1 buy milk\n0 of 1 done\n", "")));
        Assert.That(File.Exists(Path.Combine(_directory, "todo-data", "folio.db")), Is.True);
    }

    [Test]
    public void AFullSessionAcrossProcesses()
    {
        Assert.That(Run("list").Output, Is.EqualTo("nothing to do\n"));
        Run("add", "write the VFS");
        Run("add", "test it");
        Run("add", "ship it");
        Assert.That(Run("done", "2"), Is.EqualTo((0, "done #2\n", "")));
        Assert.That(Run("remove", "1"), Is.EqualTo((0, "removed #1\n", "")));
        Assert.That(Run("list").Output, Is.EqualTo("[x] #2 test it\n[ ] #3 ship it\n1 of 2 done\n"));
        Assert.That(Run("add", "after a removal").Output, Is.EqualTo("added #4: after a removal\n"));
    }

    [Test]
    public void UnknownItemsAndBadCommandsFailWithAMessage()
    {
        Run("add", "only one");
        Assert.That(Run("done", "7"), Is.EqualTo((1, "", "no item #7\n")));
        Assert.That(Run("remove", "x"), Is.EqualTo((1, "", "no item #x\n")));
        var (code, _, error) = Run("frobnicate");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.StartWith("unknown command or missing argument: frobnicate"));
        Assert.That(Run("list").Output, Is.EqualTo("[ ] #1 only one\n0 of 1 done\n"), "failed commands changed nothing");
    }

    [Test]
    public void StatsReportTheStoreAndThisRunsWork()
    {
        Run("add", "a");
        Run("add", "b");
        var (code, output, _) = Run("stats");
        Assert.That(code, Is.EqualTo(0));
        Assert.That(output, Does.Contain("vfs           folio:Todo.TodoDb"));
        Assert.That(output, Does.Contain("items         2 (0 done)"));
        Assert.That(output, Does.Match(@"store version [1-9]\d*"));
        Assert.That(output, Does.Match(@"this run      [1-9]\d* store calls"));
    }

    private (int Code, string Output, string Error) Run(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Todo.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"todo {string.Join(' ', args)} did not finish");
        }
        return (process.ExitCode, output.Result.ReplaceLineEndings("\n"), error.Result.ReplaceLineEndings("\n"));
    }
}
