using System.Security.Cryptography;
using System.Text;
using Folio.Generator;
using Folio.SqlCheck;

// Usage: Folio.SqlCheck --assembly <dll> --sqlite <e_sqlite3 library> --project-dir <dir> --stamp <file>
//        [--nowarn <ids>] [--warnaserror true|false] [--warningsaserrors <ids>] [--warningsnotaserrors <ids>]
// The last four are the project's NoWarn, TreatWarningsAsErrors, WarningsAsErrors and
// WarningsNotAsErrors, applied to the check's warnings as the compiler applies them to its own.
// Prints each problem as an MSBuild canonical diagnostic ("file(line,col): error FOLIO110: ...")
// and exits 0: the build target's Exec turns the lines into errors and warnings, and fails the
// build on an error. Writes the stamp (the hash of the models checked) when nothing was found,
// and finds nothing to do when the models still hash to it.
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i + 1 < args.Length; i += 2)
{
    options[args[i]] = args[i + 1];
}
string Option(string name) => options.TryGetValue(name, out var value) ? value : "";

var assembly = Option("--assembly");
var projectDirectory = Option("--project-dir");
var stamp = Option("--stamp");
HashSet<string> Ids(string name) => Option(name).Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
var ignored = Ids("--nowarn");
var allAsErrors = string.Equals(Option("--warnaserror"), "true", StringComparison.OrdinalIgnoreCase);
var asErrors = Ids("--warningsaserrors");
var notAsErrors = Ids("--warningsnotaserrors");
bool IsError(SqlCheckRules.Rule rule) => rule.IsError || asErrors.Contains(rule.Id) || (allAsErrors && !notAsErrors.Contains(rule.Id));
if (!File.Exists(assembly))
{
    Console.WriteLine($"Folio.SqlCheck : error : the compiled assembly '{assembly}' to check was not found");
    return 0;
}

var texts = DatabaseModel.ReadTexts(assembly);
var sqlite = Option("--sqlite");
var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", texts) + "\n" + sqlite)));
if (stamp.Length > 0 && File.Exists(stamp) && File.ReadAllText(stamp).Trim() == hash)
{
    // The same SQL and migrations, already checked clean: only the stamp's time moves, so that
    // MSBuild finds it newer than the assembly and skips the step next time.
    File.SetLastWriteTimeUtc(stamp, DateTime.UtcNow);
    return 0;
}

var findings = new List<Finding>();
if (texts.Count > 0)
{
    if (!File.Exists(sqlite))
    {
        Console.WriteLine($"Folio.SqlCheck : error : SQL was not checked: the e_sqlite3 native library '{sqlite}' was not found (set FolioValidateSql=false to skip the check)");
        return 0;
    }
    var checking = "the SQL model";
    try
    {
        Sqlite.LoadFrom(sqlite);
        foreach (var text in texts)
        {
            var model = DatabaseModel.Parse(text);
            checking = $"the SQL of '{model.Class}'";
            findings.AddRange(Checker.Check(model));
        }
    }
    catch (Exception e) when (e is InvalidOperationException or DllNotFoundException or BadImageFormatException or EntryPointNotFoundException
        or System.Text.Json.JsonException or KeyNotFoundException)
    {
        // A build error: the build must not pass as if the SQL had been checked.
        Console.WriteLine($"Folio.SqlCheck : error : {checking} could not be checked: {e.Message}");
        return 0;
    }
}

var reported = 0;
foreach (var finding in findings.Where(f => f.Rule.IsError || !ignored.Contains(f.Rule.Id)))
{
    var where = finding.Site is { } site
        ? $"{Path.GetFullPath(Path.Combine(projectDirectory, site.File))}({site.Line},{site.Column})"
        : "Folio.SqlCheck";
    Console.WriteLine($"{where}: {(IsError(finding.Rule) ? "error" : "warning")} {finding.Rule.Id}: {finding.Message} ({SqlCheckRules.HelpRoot}{finding.Rule.Id}.md)");
    reported++;
}
if (stamp.Length > 0)
{
    if (reported == 0)
    {
        File.WriteAllText(stamp, hash + "\n");
    }
    else if (File.Exists(stamp))
    {
        File.Delete(stamp);
    }
}
return 0;
