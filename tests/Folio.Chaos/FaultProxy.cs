using System.Net;
using System.Net.Sockets;

namespace Folio.Chaos;

/// <summary>
/// A TCP proxy on loopback between Folio and Redis that injects network faults: added latency on
/// every forwarded chunk, all connections dropped, a connection cut right after it forwarded a
/// request (so the request reached Redis and its reply never comes back), and a new target (a
/// failover: the clients' next connections reach the new master).
/// </summary>
internal sealed class FaultProxy : IDisposable
{
    private readonly TcpListener _listener;
    private readonly List<(TcpClient Client, TcpClient Server)> _links = [];
    private readonly CancellationTokenSource _stop = new();
    private volatile int _targetPort;
    private volatile int _latencyMs;
    private int _cutArmed;

    public FaultProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptAsync();
    }

    /// <summary>The port clients connect to.</summary>
    public int Port { get; }

    /// <summary>Delay added to each forwarded chunk, in both directions (0 for none).</summary>
    public int LatencyMs
    {
        get => _latencyMs;
        set => _latencyMs = value;
    }

    /// <summary>Cuts the next connection that forwards a request to Redis, right after forwarding it.</summary>
    public void ArmCut() => Interlocked.Exchange(ref _cutArmed, 1);

    /// <summary>Whether an armed cut has not happened yet.</summary>
    public bool CutPending => Volatile.Read(ref _cutArmed) == 1;

    /// <summary>Closes every open connection at once.</summary>
    public void DropAll()
    {
        lock (_links)
        {
            foreach (var (client, server) in _links)
            {
                client.Close();
                server.Close();
            }
            _links.Clear();
        }
    }

    /// <summary>Sends new connections to another port and drops the current ones.</summary>
    public void Retarget(int port)
    {
        _targetPort = port;
        DropAll();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = LinkAsync(client);
        }
    }

    private async Task LinkAsync(TcpClient client)
    {
        var server = new TcpClient();
        try
        {
            await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            // Redis is down: the client sees its connection refused, as it would without the proxy.
            client.Close();
            server.Close();
            return;
        }
        client.NoDelay = server.NoDelay = true;
        lock (_links)
        {
            _links.Add((client, server));
        }
        var up = PumpAsync(client, server, toServer: true);
        var down = PumpAsync(server, client, toServer: false);
        await Task.WhenAny(up, down);
        client.Close();
        server.Close();
        lock (_links)
        {
            _links.Remove((client, server));
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to, bool toServer)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            var source = from.GetStream();
            var target = to.GetStream();
            while (true)
            {
                var n = await source.ReadAsync(buffer, _stop.Token);
                if (n == 0)
                {
                    return;
                }
                var latency = _latencyMs;
                if (latency > 0)
                {
                    await Task.Delay(latency, _stop.Token);
                }
                await target.WriteAsync(buffer.AsMemory(0, n), _stop.Token);
                if (toServer && Interlocked.CompareExchange(ref _cutArmed, 0, 1) == 1)
                {
                    return; // the request is on its way to Redis; its reply will find no one
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or SocketException or InvalidOperationException)
        {
            // The other side or a fault closed the connection.
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        DropAll();
        _stop.Dispose();
    }
}
