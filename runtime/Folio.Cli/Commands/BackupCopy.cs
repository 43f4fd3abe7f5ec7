using System.Diagnostics;
using System.Globalization;
using Folio.Vfs;
using Spectre.Console;
using Spectre.Console.Rendering;
using SQLitePCL;

namespace Folio.Cli.Commands;

/// <summary>
/// Copies one SQLite database into another with SQLite's online backup API, a batch of pages
/// at a time, drawing a progress bar (pages, pages per second) on an interactive console. The
/// source is read in read transactions and SQLite restarts the copy if it changes meanwhile, so
/// the copy is consistent even while another process writes the source.
/// </summary>
internal static class BackupCopy
{
    private const int PagesPerStep = 256;
    private const int RestartsBeforeOneStep = 2;

    /// <summary>What a finished copy did.</summary>
    public sealed record Result(long Pages, TimeSpan Elapsed, int Restarts)
    {
        public double PagesPerSecond => Elapsed.TotalSeconds > 0 ? Pages / Elapsed.TotalSeconds : Pages;
    }

    /// <summary>Copies <paramref name="source"/>'s main database over <paramref name="destination"/>'s.</summary>
    /// <exception cref="CliDataException">SQLite refused or failed the copy; the message carries the store's cause.</exception>
    public static Result Run(CliContext context, sqlite3 destination, sqlite3 source, string description)
    {
        VfsErrors.Clear();
        var backup = raw.sqlite3_backup_init(destination, "main", source, "main");
        if (backup is null || backup.IsInvalid)
        {
            throw Failure(description, raw.sqlite3_errcode(destination), raw.sqlite3_errmsg(destination).utf8_to_string());
        }
        var watch = Stopwatch.StartNew();
        long pages = 0;
        var restarts = 0;
        var finished = false;
        try
        {
            if (context.ShowsProgress)
            {
                context.Console.Progress()
                    .AutoClear(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                        new PagesColumn(), new PagesPerSecondColumn(), new ElapsedTimeColumn())
                    .Start(progress =>
                    {
                        var task = progress.AddTask(Markup.Escape(description), maxValue: 1);
                        (pages, restarts) = Steps(context, backup, description, (done, total) =>
                        {
                            task.MaxValue = Math.Max(total, 1);
                            task.Value = done;
                        });
                        task.StopTask();
                    });
            }
            else
            {
                (pages, restarts) = Steps(context, backup, description, null);
            }
            finished = true;
        }
        finally
        {
            var rc = raw.sqlite3_backup_finish(backup);
            if (finished && rc != raw.SQLITE_OK)
            {
                throw Failure(description, rc, raw.sqlite3_errmsg(destination).utf8_to_string());
            }
        }
        return new Result(pages, watch.Elapsed, restarts);
    }

    private static (long Pages, int Restarts) Steps(CliContext context, sqlite3_backup backup, string description, Action<long, long>? report)
    {
        var busySince = (Stopwatch?)null;
        var pagesPerStep = PagesPerStep;
        long previousRemaining = long.MaxValue;
        var restarts = 0;
        while (true)
        {
            var rc = raw.sqlite3_backup_step(backup, pagesPerStep);
            var total = raw.sqlite3_backup_pagecount(backup);
            var remaining = raw.sqlite3_backup_remaining(backup);
            report?.Invoke(total - remaining, total);
            if (remaining > previousRemaining && ++restarts >= RestartsBeforeOneStep)
            {
                // Another connection keeps writing the source, and SQLite restarts the copy after
                // each of its commits: copy the rest in one step, under one read transaction.
                pagesPerStep = -1;
            }
            previousRemaining = remaining;
            switch (rc & 0xff)
            {
                case raw.SQLITE_DONE:
                    return (total, restarts);
                case raw.SQLITE_OK:
                    busySince = null;
                    continue;
                case raw.SQLITE_BUSY or raw.SQLITE_LOCKED:
                    // Another connection holds a lock it will release: wait as long as --busy-timeout allows.
                    busySince ??= Stopwatch.StartNew();
                    if (busySince.Elapsed > context.BusyTimeout)
                    {
                        throw Failure(description, rc, $"the database stayed locked for {context.BusyTimeout.TotalSeconds:0.#} s");
                    }
                    Thread.Sleep(20);
                    continue;
                default:
                    throw Failure(description, rc, raw.sqlite3_errstr(rc).utf8_to_string());
            }
        }
    }

    private static CliDataException Failure(string description, int rc, string message)
    {
        var cause = VfsErrors.TakeLastError();
        var text = string.Create(CultureInfo.InvariantCulture, $"{description} failed: SQLite error {rc} ({message})");
        if (cause is not null)
        {
            text += $": {cause.Message}";
        }
        return new CliDataException(text, cause);
    }

    private sealed class PagesColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(string.Create(CultureInfo.InvariantCulture, $"{task.Value:0}/{task.MaxValue:0} pages"));
    }

    private sealed class PagesPerSecondColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(task.Speed is { } speed ? string.Create(CultureInfo.InvariantCulture, $"{speed:0} pages/s") : "");
    }
}
