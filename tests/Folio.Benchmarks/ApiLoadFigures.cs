using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Folio.Testing;

namespace Folio.Benchmarks;

/// <summary>
/// samples/TodoApi as its own process (Kestrel on loopback, the embedded file store) under 64
/// concurrent clients of 500 requests each: every client adds an item, lists, completes it and
/// removes it, 125 times. Every answer must be the one expected and every count exact.
/// </summary>
public static class ApiLoadFigures
{
    public static void Run(int clients = 64, int requestsPerClient = 500) => RunAsync(clients, requestsPerClient).GetAwaiter().GetResult();

    private static async Task RunAsync(int clients, int requestsPerClient)
    {
        var directory = Directory.CreateTempSubdirectory("folio-api-load-").FullName;
        var port = RedisServer.FreePort();
        using var server = Start(directory, port);
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            };
            await WaitUntilHealthyAsync(http, server);

            var latencies = new ConcurrentBag<double>();
            var errors = new ConcurrentQueue<string>();
            var ids = new ConcurrentDictionary<long, byte>();
            var rounds = requestsPerClient / 4;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
            {
                for (var round = 0; round < rounds; round++)
                {
                    var id = await TimedAsync(latencies, errors, HttpStatusCode.Created,
                        () => http.PostAsJsonAsync("/todos", new { title = $"client {client} round {round}" }),
                        async response => (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());
                    if (id is not { } created || !ids.TryAdd(created, 0))
                    {
                        errors.Enqueue($"client {client} round {round}: no new id ({id})");
                        continue;
                    }
                    await TimedAsync(latencies, errors, HttpStatusCode.OK, () => http.GetAsync("/todos"), _ => Task.FromResult(0L));
                    await TimedAsync(latencies, errors, HttpStatusCode.OK, () => http.PostAsync($"/todos/{created}/done", null), _ => Task.FromResult(0L));
                    await TimedAsync(latencies, errors, HttpStatusCode.NoContent, () => http.DeleteAsync($"/todos/{created}"), _ => Task.FromResult(0L));
                }
            })));
            clock.Stop();

            var left = JsonDocument.Parse(await http.GetStringAsync("/todos")).RootElement.GetArrayLength();
            var expected = clients * rounds;
            if (ids.Count != expected || left != 0)
            {
                errors.Enqueue($"counts: {ids.Count} items created (expected {expected}), {left} left (expected 0)");
            }
            var sorted = latencies.OrderBy(l => l).ToArray();
            var p99 = sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(sorted.Length * 0.99) - 1)];
            QuickHarness.Figure("api.requests-per-s", sorted.Length / clock.Elapsed.TotalSeconds,
                $"{clients} clients x {rounds * 4} requests = {sorted.Length} answered in {clock.Elapsed.TotalSeconds:F2} s, {errors.Count} errors, {ids.Count} items created and removed");
            QuickHarness.Figure("api.p99-ms", p99, $"p50 {sorted[sorted.Length / 2]:F2} ms");
            QuickHarness.Figure("api.errors", errors.Count, "goal 0");
            foreach (var error in errors.Take(5))
            {
                Console.Error.WriteLine($"  api error: {error}");
            }
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
                server.WaitForExit();
            }
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<long?> TimedAsync(ConcurrentBag<double> latencies, ConcurrentQueue<string> errors, HttpStatusCode expected,
        Func<Task<HttpResponseMessage>> send, Func<HttpResponseMessage, Task<long>> read)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await send();
            if (response.StatusCode != expected)
            {
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                errors.Enqueue($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode}, expected {(int)expected}: {await response.Content.ReadAsStringAsync()}");
                return null;
            }
            var value = await read(response);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return value;
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException or KeyNotFoundException)
        {
            errors.Enqueue(e.Message);
            return null;
        }
    }

    private static Process Start(string directory, int port)
    {
        var process = DotnetProcess.StartIn(directory, Path.Combine(AppContext.BaseDirectory, "TodoApi.dll"), "--urls", $"http://127.0.0.1:{port}");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"  TodoApi: {e.Data}"); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"  TodoApi: {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitUntilHealthyAsync(HttpClient http, Process server)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (DateTime.UtcNow < deadline && !server.HasExited)
        {
            try
            {
                using var response = await http.GetAsync("/healthz");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(100);
        }
        throw new InvalidOperationException("TodoApi did not answer /healthz within a minute.");
    }
}
