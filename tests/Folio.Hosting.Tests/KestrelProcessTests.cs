using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Folio.Testing;
using NUnit.Framework;

namespace Folio.Hosting.Tests;

/// <summary>samples/TodoApi as a user runs it: its own process, Kestrel on a loopback port, the file store in its working directory.</summary>
public class KestrelProcessTests
{
    private string _directory = "";

    [SetUp]
    public void CreateScratchDirectory() => _directory = Directory.CreateTempSubdirectory("folio-kestrel-").FullName;

    [TearDown]
    public void DeleteScratchDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task TheApiServesOverLoopbackAndItsDataOutlivesTheProcess()
    {
        var port = RedisServer.FreePort();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        using (var server = await StartAsync(port, http))
        {
            using var created = await http.PostAsJsonAsync("/todos", new { title = "over a real socket" });
            Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
            using var done = await http.PostAsync("/todos/1/done", null);
            Assert.That(done.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Stop(server);
        }
        Assert.That(File.Exists(Path.Combine(_directory, "todo-api-data", "folio.db")), Is.True, "the embedded file store, under the working directory");

        using var again = await StartAsync(port, http);
        var list = JsonDocument.Parse(await http.GetStringAsync("/todos")).RootElement;
        Assert.That(list.GetArrayLength(), Is.EqualTo(1));
        Assert.That(list[0].GetProperty("title").GetString(), Is.EqualTo("over a real socket"));
        Assert.That(list[0].GetProperty("done").GetBoolean(), Is.True);
        Stop(again);
    }

    /// <summary>Starts the sample and waits until its health endpoint answers (or it exits).</summary>
    private async Task<Process> StartAsync(int port, HttpClient http)
    {
        var process = DotnetProcess.StartIn(_directory, Path.Combine(AppContext.BaseDirectory, "TodoApi.dll"), "--urls", $"http://127.0.0.1:{port}");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var response = await http.GetAsync("/healthz");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return process;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(100);
        }
        Stop(process);
        Assert.Fail($"TodoApi did not come up on port {port}.\n{await output}\n{await errors}");
        return process;
    }

    private static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }
}
