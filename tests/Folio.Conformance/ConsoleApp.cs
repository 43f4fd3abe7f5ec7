using System.Diagnostics;
using System.Globalization;
using Folio.Conformance.Targets;

namespace Folio.Conformance;

/// <summary>
/// The command line: <c>--store &lt;native|memory|file|redis&gt; [--async] [--owned] &lt;files or directories…&gt;</c>.
/// Prints one line per script (and the failures under it), then <c>N passed, N failed, N skipped</c>
/// counting records. Exit code 0 when nothing failed, 1 when something did, 2 for a usage error.
/// </summary>
public static class ConsoleApp
{
    /// <summary>Exit code: every record passed.</summary>
    public const int Success = 0;

    /// <summary>Exit code: at least one record failed.</summary>
    public const int Failures = 1;

    /// <summary>Exit code: bad arguments, or a store that cannot be used.</summary>
    public const int UsageError = 2;

    private const string Usage =
        "usage: Folio.Conformance --store <native|memory|file|redis> [--async] [--owned] [--redis CONFIG] [--max-failures N] <files or directories…>\n" +
        "  Runs every sqllogictest script given (directories: every *.test below them, recursively)\n" +
        "  on a fresh database per script, and prints one line per script and a total.\n" +
        "  --store native   plain SQLite, :memory:\n" +
        "  --store memory   Folio's VFS on a MemoryPageStore\n" +
        "  --store file     Folio's VFS on a FilePageStore in a temporary directory\n" +
        "  --store redis    Folio's VFS on a RedisPageStore: on --redis CONFIG, else $FOLIO_REDIS (host:port),\n" +
        "                   else on a private redis-server started for the run on a free loopback port\n" +
        "  --async          every statement on Folio's asynchronous path (ExecuteAsync, QueryAsync): not for native\n" +
        "  --owned          with --store redis: each script's database opened owned (RedisStoreOptions.Owned)\n" +
        "  --max-failures N failures printed in full per script (default 10; all are counted)";

    /// <summary>Runs the command line; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        string? storeName = null;
        string? redis = null;
        var maxFailures = 10;
        var async = false;
        var owned = false;
        var paths = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help")
            {
                output.WriteLine(Usage);
                return Success;
            }
            if (arg == "--store" || arg.StartsWith("--store=", StringComparison.Ordinal))
            {
                storeName = arg == "--store" ? (i + 1 < args.Length ? args[++i] : null) : arg["--store=".Length..];
                if (string.IsNullOrEmpty(storeName))
                {
                    return UsageFailure(error, "--store needs a value");
                }
            }
            else if (arg == "--async")
            {
                async = true;
            }
            else if (arg == "--owned")
            {
                owned = true;
            }
            else if (arg == "--redis")
            {
                if (i + 1 >= args.Length)
                {
                    return UsageFailure(error, "--redis needs a configuration such as 127.0.0.1:6379");
                }
                redis = args[++i];
            }
            else if (arg == "--max-failures")
            {
                if (i + 1 >= args.Length || !int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out maxFailures))
                {
                    return UsageFailure(error, "--max-failures needs a non-negative number");
                }
            }
            else if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                return UsageFailure(error, $"unknown option '{arg}'");
            }
            else
            {
                paths.Add(arg);
            }
        }
        if (storeName is null)
        {
            return UsageFailure(error, "--store is required");
        }
        if (!StoreTargets.Names.Contains(storeName))
        {
            return UsageFailure(error, $"unknown store '{storeName}': expected one of {string.Join(", ", StoreTargets.Names)}");
        }
        if (paths.Count == 0)
        {
            return UsageFailure(error, "no files or directories given");
        }

        List<string> files;
        try
        {
            files = ScriptFiles.Expand(paths);
        }
        catch (FileNotFoundException e)
        {
            return UsageFailure(error, e.Message);
        }
        if (files.Count == 0)
        {
            return UsageFailure(error, $"no .test files under {string.Join(", ", paths)}");
        }

        IStoreTarget target;
        try
        {
            target = StoreTargets.Get(storeName, redis, async, owned);
        }
        catch (Exception e) when (e is ArgumentException or StoreNotAvailableException)
        {
            return UsageFailure(error, e.Message);
        }
        try
        {
            return RunFiles(target, files, maxFailures, output, error);
        }
        finally
        {
            (target as IDisposable)?.Dispose();
        }
    }

    private static int RunFiles(IStoreTarget target, List<string> files, int maxFailures, TextWriter output, TextWriter error)
    {
        var runner = new SltRunner();
        int passed = 0, failed = 0, skipped = 0;
        var stopwatch = Stopwatch.StartNew();
        foreach (var file in files)
        {
            FileReport report;
            try
            {
                report = ScriptFiles.Run(runner, target, file);
            }
            catch (StoreNotAvailableException e)
            {
                return UsageFailure(error, e.Message);
            }
            passed += report.Passed;
            failed += report.Failed;
            skipped += report.Skipped;
            output.WriteLine(SummaryLine(report));
            foreach (var failure in report.Failures.Take(maxFailures))
            {
                output.WriteLine(Indent(failure.Describe()));
            }
            if (report.Failures.Count > maxFailures)
            {
                output.WriteLine($"    … and {report.Failures.Count - maxFailures} more failures in {file}");
            }
        }
        var modes = (target as FolioStoreTarget) switch
        {
            RedisTarget { Owned: true, Async: var a } => a ? " (async, owned)" : " (owned)",
            { Async: true } => " (async)",
            _ => "",
        };
        output.WriteLine($"store {target.Name}{modes}: {files.Count} files in {stopwatch.Elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)}s");
        output.WriteLine($"{passed} passed, {failed} failed, {skipped} skipped");
        return failed == 0 ? Success : Failures;
    }

    /// <summary>The one line printed for a script.</summary>
    public static string SummaryLine(FileReport report)
    {
        var status = report.Failed == 0 ? "PASS" : "FAIL";
        var halted = report.HaltedAt is { } line ? $", halted at line {line}" : "";
        return $"{status} {report.File}: {report.Passed} passed, {report.Failed} failed, {report.Skipped} skipped{halted} " +
               $"({report.Elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)}s)";
    }

    private static string Indent(string text) => "    " + text.Replace("\n", "\n    ", StringComparison.Ordinal);

    private static int UsageFailure(TextWriter error, string message)
    {
        error.WriteLine("error: " + message);
        error.WriteLine(Usage);
        return UsageError;
    }
}

/// <summary>Finding scripts and running one on a fresh database.</summary>
public static class ScriptFiles
{
    /// <summary>
    /// The scripts named by <paramref name="paths"/>: a file as itself, a directory as every
    /// <c>*.test</c> below it (sorted, ordinal). Each script appears once.
    /// </summary>
    /// <exception cref="FileNotFoundException">A path is neither a file nor a directory.</exception>
    public static List<string> Expand(IEnumerable<string> paths)
    {
        var files = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            IEnumerable<string> found;
            if (File.Exists(path))
            {
                found = [path];
            }
            else if (Directory.Exists(path))
            {
                found = Directory.EnumerateFiles(path, "*.test", SearchOption.AllDirectories).Order(StringComparer.Ordinal);
            }
            else
            {
                throw new FileNotFoundException($"no such file or directory: {path}", path);
            }
            foreach (var file in found)
            {
                if (seen.Add(Path.GetFullPath(file)))
                {
                    files.Add(file);
                }
            }
        }
        return files;
    }

    /// <summary>
    /// Runs <paramref name="file"/> on a fresh database of <paramref name="target"/>. A failure to
    /// open or close the database is reported as a failed record of the script.
    /// </summary>
    /// <exception cref="StoreNotAvailableException">The store cannot be used in this build.</exception>
    public static FileReport Run(SltRunner runner, IStoreTarget target, string file)
    {
        ISqlSession session;
        try
        {
            session = target.OpenFresh(file);
        }
        catch (StoreNotAvailableException)
        {
            throw;
        }
        catch (Exception e)
        {
            return Broken(file, $"cannot open a fresh '{target.Name}' database: {e}");
        }
        FileReport report;
        try
        {
            report = runner.RunFile(file, session);
        }
        catch (Exception e)
        {
            session.Dispose();
            return Broken(file, $"the runner failed: {e}");
        }
        try
        {
            session.Dispose();
        }
        catch (Exception e)
        {
            report.Failures.Add(new RecordFailure(file, 0, "", $"closing the '{target.Name}' database failed: {e}", null, null));
        }
        return report;
    }

    private static FileReport Broken(string file, string message)
    {
        var report = new FileReport(file);
        report.Failures.Add(new RecordFailure(file, 0, "", message, null, null));
        return report;
    }
}
