using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Folio.Conformance.Targets;

/// <summary>
/// A redis-server of the run's own: loopback only, a free port, no persistence, a temporary
/// directory; stopped (and the directory deleted) on dispose or when the process exits.
/// </summary>
internal sealed class PrivateRedisServer : IDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private int _disposed;

    private PrivateRedisServer(Process process, int port, string directory)
    {
        _process = process;
        _directory = directory;
        Port = port;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Dispose();
    }

    /// <summary>The port it listens on, on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The StackExchange.Redis configuration for it.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>Whether redis-server is on the PATH.</summary>
    public static bool IsInstalled => (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Any(dir => File.Exists(Path.Combine(dir, "redis-server")));

    /// <summary>Starts a server and waits until it answers PING.</summary>
    public static PrivateRedisServer Start()
    {
        Exception? last = null;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            // The port is free when asked for, but may be taken before redis-server binds it: retry.
            var port = FreePort();
            var directory = Directory.CreateTempSubdirectory("folio-slt-redis-").FullName;
            var info = new ProcessStartInfo("redis-server") { UseShellExecute = false, RedirectStandardOutput = true };
            foreach (var argument in new[]
            {
                "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                "--dir", directory, "--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", "redis.log",
            })
            {
                info.ArgumentList.Add(argument);
            }
            var process = Process.Start(info)!;
            var server = new PrivateRedisServer(process, port, directory);
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromSeconds(20) && !process.HasExited)
            {
                if (Ping(port))
                {
                    return server;
                }
                Thread.Sleep(20);
            }
            var log = Path.Combine(directory, "redis.log");
            last = new InvalidOperationException($"redis-server on port {port} did not start: {(File.Exists(log) ? File.ReadAllText(log) : "(no log)")}");
            server.Dispose();
        }
        throw new InvalidOperationException("could not start redis-server on a free loopback port", last);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static bool Ping(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            using var stream = client.GetStream();
            stream.Write("PING\r\n"u8);
            var buffer = new byte[64];
            var n = stream.Read(buffer);
            return Encoding.ASCII.GetString(buffer, 0, n).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return false;
        }
    }
}
