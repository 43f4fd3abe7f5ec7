using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Folio.Testing;

/// <summary>
/// A redis-server process of the tests' own: loopback only, on a free port, with its data in a
/// fresh temporary directory, an append-only file fsynced on every write and no RDB snapshots.
/// Never the system service and never a fixed port. <see cref="StartGarnet"/> starts Microsoft's
/// Garnet the same way instead (see <see cref="GarnetTool"/>).
/// </summary>
public sealed class RedisServer : IDisposable
{
    private static readonly ConcurrentDictionary<RedisServer, bool> Running = new();
    private readonly string[] _extraArguments;
    private readonly bool _garnet;
    private Process? _process;
    private readonly string _program;

    static RedisServer()
    {
        // If the test host ends without tearing down (a crash, a cancelled run), do not leave servers behind.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var server in Running.Keys)
            {
                server.Dispose();
            }
        };
    }

    private RedisServer(int port, string directory, string[] extraArguments, string? garnet)
    {
        _program = garnet ?? "redis-server";
        Port = port;
        Directory = directory;
        _extraArguments = extraArguments;
        _garnet = garnet is not null;
    }

    public int Port { get; }

    public string Directory { get; }

    /// <summary>The StackExchange.Redis configuration string for this server.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts a standalone server.</summary>
    public static RedisServer Start() => StartWith(_ => []);

    /// <summary>Starts a standalone server with extra redis-server arguments (e.g. <c>--replicaof</c>).</summary>
    public static RedisServer Start(params string[] arguments) => StartWith(_ => arguments);

    /// <summary>
    /// Starts a standalone Garnet server (installed on first use) with Lua on and every script run
    /// as a transaction (<c>--lua --lua-transaction-mode</c>), which Folio's scripts need there.
    /// </summary>
    public static RedisServer StartGarnet() => StartWith(_ => [], GarnetTool.Executable);

    /// <summary>Starts a Redis Cluster node (its cluster bus on a second free port).</summary>
    public static RedisServer StartClusterNode() => StartWith(port =>
    {
        var bus = FreePort();
        while (bus == port)
        {
            bus = FreePort();
        }
        return ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000",
                "--cluster-port", bus.ToString(System.Globalization.CultureInfo.InvariantCulture)];
    });

    private static RedisServer StartWith(Func<int, string[]> extraArguments, string? garnet = null)
    {
        RequireTools();
        Exception? last = null;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            // The port is free when we look, but another process may take it before redis-server
            // binds it: then redis-server exits and we try another.
            var port = FreePort();
            var directory = Path.Combine(Path.GetTempPath(), "folio-redis-test-" + Guid.NewGuid().ToString("N"));
            System.IO.Directory.CreateDirectory(directory);
            var server = new RedisServer(port, directory, extraArguments(port), garnet);
            try
            {
                server.Launch();
                return server;
            }
            catch (RedisServerStartException e)
            {
                last = e;
                server.Dispose();
            }
        }
        throw new InvalidOperationException($"Could not start {Path.GetFileName(garnet ?? "redis-server")} on a free loopback port after 5 attempts.", last);
    }

    /// <summary>Kills the server at once (SIGKILL), as a crash would.</summary>
    public void Kill()
    {
        var process = _process;
        if (process is { HasExited: false })
        {
            process.Kill();
            process.WaitForExit();
        }
    }

    /// <summary>Starts the server again on the same port and directory: it reloads its append-only file.</summary>
    public void Restart()
    {
        Kill();
        Launch();
    }

    /// <summary>Runs redis-cli against this server and returns what it printed.</summary>
    public string Cli(params string[] arguments) =>
        RunTool("redis-cli", ["-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. arguments]);

    public void Dispose()
    {
        Running.TryRemove(this, out _);
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            // never started
        }
        _process?.Dispose();
        _process = null;
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    /// <summary>A port nobody listens on right now: the one the OS hands a listener on port 0.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Runs a tool to completion and returns its standard output; throws with its output when it fails.</summary>
    public static string RunTool(string tool, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
        {
            process.Kill();
            throw new TimeoutException($"{tool} {string.Join(' ', info.ArgumentList)} did not finish.");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', info.ArgumentList)} exited with {process.ExitCode}: {stdout} {stderr.Result}");
        }
        return stdout;
    }

    private void Launch()
    {
        var port = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var info = new ProcessStartInfo(_program) { UseShellExecute = false, WorkingDirectory = Directory };
        string[] arguments = _garnet
            ?
            [
                // Garnet keeps the data in memory only (no --aof): its tests never restart it.
                "--port", port, "--bind", "127.0.0.1", "--lua", "--lua-transaction-mode",
                "--memory", "256m", "--index", "16m",
                .. _extraArguments,
            ]
            :
            [
                "--port", port,
                "--bind", "127.0.0.1",
                "--dir", Directory,
                "--appendonly", "yes",
                "--appendfsync", "always",
                "--save", "",
                "--daemonize", "no",
                "--logfile", "redis.log",
                .. _extraArguments,
            ];
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        if (_garnet)
        {
            // Garnet logs to its console: keep that in the server's directory, not in the test output.
            info.RedirectStandardOutput = true;
            info.RedirectStandardError = true;
        }
        _process = Process.Start(info)!;
        if (_garnet)
        {
            var log = Path.Combine(Directory, "redis.log");
            var gate = new object();
            void Append(object sender, DataReceivedEventArgs e)
            {
                if (e.Data is not null)
                {
                    lock (gate)
                    {
                        File.AppendAllText(log, e.Data + "\n");
                    }
                }
            }
            _process.OutputDataReceived += Append;
            _process.ErrorDataReceived += Append;
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }
        Running[this] = true;

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (_process.HasExited)
            {
                throw new RedisServerStartException($"{Path.GetFileName(_program)} on port {Port} exited with {_process.ExitCode}: {Log()}");
            }
            if (Ping())
            {
                return;
            }
            Thread.Sleep(20);
        }
        throw new RedisServerStartException($"{Path.GetFileName(_program)} on port {Port} did not answer PING within 20 s: {Log()}");
    }

    private bool Ping()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, Port);
            using var stream = client.GetStream();
            stream.Write("PING\r\n"u8);
            var buffer = new byte[64];
            var n = stream.Read(buffer);
            // "-LOADING" while the append-only file is replayed: not ready yet.
            return Encoding.ASCII.GetString(buffer, 0, n).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private string Log()
    {
        var path = Path.Combine(Directory, "redis.log");
        return File.Exists(path) ? File.ReadAllText(path) : "(no log)";
    }

    private static void RequireTools()
    {
        foreach (var tool in new[] { "redis-server", "redis-cli" })
        {
            var found = (Environment.GetEnvironmentVariable("PATH") ?? "")
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Any(dir => File.Exists(Path.Combine(dir, tool)));
            if (!found)
            {
                // Fail, never skip: these tests are the Redis store's only proof.
                throw new InvalidOperationException(
                    $"{tool} is not installed, so the Redis store cannot be tested. Install it: apt-get update && apt-get install -y redis-server redis-tools");
            }
        }
    }

    private sealed class RedisServerStartException(string message) : Exception(message);
}
