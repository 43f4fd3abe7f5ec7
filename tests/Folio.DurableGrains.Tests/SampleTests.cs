using System.Diagnostics;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using DurableGrains;
using Folio.Redis;
using Folio.Storage;
using Folio.Testing;
using NUnit.Framework;

namespace Folio.DurableGrains.Tests;

/// <summary>Runs samples/DurableGrains as a process, as a user would with <c>dotnet run</c>.</summary>
public sealed class SampleTests
{
    [Test]
    public void TheLedgersSqlValidatesAgainstItsSchema() => Assert.That(LedgerDb.ValidateSql(), Is.Empty);

    [Test]
    public void OneCommandStartsRedisRunsTheDemoAndCleansUp()
    {
        var (code, output, error) = Run([], redis: null);
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain("20 concurrent coffees for alice: 20 applied, balance 2,500.00 -> 2,410.00."));
        Assert.That(output, Does.Contain("Retried coffee #7: replayed = True"));
        Assert.That(output, Does.Contain("Refused: Account 'carol'"));

        // The same totals before and after the silo restart.
        var totals = Regex.Matches(output, @"^  (alice|bob|carol) +balance.*?lines \(sum [^)]*\)", RegexOptions.Multiline).Select(m => m.Value).ToList();
        Assert.That(totals, Has.Count.EqualTo(6), output);
        Assert.That(totals.Skip(3), Is.EqualTo(totals.Take(3)), output);

        // The redis-server it started is gone, and so is its data directory.
        var started = Regex.Match(output, @"Started redis-server on 127\.0\.0\.1:(\d+) \(data in (\S+),");
        Assert.That(started.Success, Is.True, output);
        Assert.That(Directory.Exists(started.Groups[2].Value), Is.False);
        Assert.That(Listens(int.Parse(started.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)), Is.False);
    }

    [Test]
    public void AConfiguredRedisIsUsedAndKeepsTheLedgers()
    {
        var (code, output, error) = Run([], redis: SharedRedis.Server.Configuration);
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.StartWith($"Using Redis at {SharedRedis.Server.Configuration}."));
        Assert.That(SharedRedis.Connection.GetDatabase().KeyExists("{folio:ledger:alice}:meta"), Is.True, "alice's ledger is in the configured Redis");
    }

    [Test]
    public void WithoutRedisItSaysWhatIsMissing()
    {
        var emptyPath = Directory.CreateTempSubdirectory("no-tools-");
        var (code, output, error) = Run([], redis: null, path: emptyPath.FullName);
        emptyPath.Delete();
        Assert.That(code, Is.EqualTo(2));
        Assert.That(output, Is.Empty);
        Assert.That(error, Does.Contain("redis-server is not on PATH").And.Contain("apt-get install -y redis-server").And.Contain("FOLIO_REDIS"));
    }

    [Test]
    public void AnUnreachableRedisIsNamed()
    {
        var nobody = $"127.0.0.1:{RedisServer.FreePort()}";
        var (code, _, error) = Run([], redis: nobody);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain($"Cannot reach Redis at '{nobody}' (from FOLIO_REDIS)"));
    }

    [Test]
    public void ABadArgumentGetsTheUsage()
    {
        var (code, _, error) = Run(["--silo-port", "seventy"], redis: null);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Contain("--silo-port needs a port number from 1 to 65535, not 'seventy'.").And.Contain("usage: DurableGrains"));
    }

    [Test]
    public void WithAKeyFileInTheConfigurationTheLedgersAreEncrypted()
    {
        using var server = RedisServer.Start(); // its own: the other tests' ledgers of the same accounts are plain
        using var redis = RedisPageStore.Connect(server.Configuration);
        var keys = Path.Combine(Directory.CreateTempSubdirectory("ledger-keys-").FullName, "ledger.keys");
        File.WriteAllText(keys, PageKeyRing.FormatLine(1, PageKeyRing.NewKey()) + "\n");
        var environment = new Dictionary<string, string> { ["FOLIO_LEDGER__KEYFILE"] = keys };

        var (code, output, error) = Run([], redis: server.Configuration, environment: environment);
        Assert.That(code, Is.EqualTo(0), error + output);
        var db = redis.GetDatabase();
        var endpoint = redis.GetServer(redis.GetEndPoints()[0]);
        var pages = endpoint.Keys(pattern: "{folio:ledger:carol}:p:*").Select(k => (byte[])db.StringGet(k)!).ToList();
        Assert.That(pages, Is.Not.Empty);
        // A Redis page value is the 8-byte version, then the codec's value: format 3, encrypted.
        Assert.That(pages.Select(v => v[8 + 2] == 3 && (v[8 + 3] & 0b1000) != 0), Is.All.True);
        Assert.That(pages.Where(v => v.AsSpan().IndexOf("birthday gift"u8) >= 0), Is.Empty, "carol's posting memo is nowhere in Redis");

        var (again, secondOutput, secondError) = Run([], redis: server.Configuration, environment: environment);
        Assert.That(again, Is.EqualTo(0), secondError + secondOutput);
    }

    private static (int Code, string Output, string Error) Run(string[] args, string? redis, string? path = null, Dictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(Dotnet())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "DurableGrains.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment.Remove("FOLIO_REDIS");
        if (redis is not null)
        {
            start.Environment["FOLIO_REDIS"] = redis;
        }
        if (path is not null)
        {
            start.Environment["PATH"] = path;
        }
        foreach (var (name, value) in environment ?? [])
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the sample did not finish within 2 minutes: {output}");
        }
        return (process.ExitCode, output, error.Result);
    }

    // The dotnet running these tests, by full path, so a test can hide everything else on PATH.
    private static string Dotnet()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }
        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, "dotnet")).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("dotnet is neither DOTNET_HOST_PATH nor on PATH.");
    }

    private static bool Listens(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
