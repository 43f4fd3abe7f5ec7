using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using NUnit.Framework;

namespace Folio.Hosting.Tests;

/// <summary>samples/TodoApi over HTTP, in-process (WebApplicationFactory) on a file store of its own.</summary>
public class TodoApiTests
{
    private string _directory = "";
    private WebApplicationFactory<Program> _factory = null!;
    private HttpClient _client = null!;

    [SetUp]
    public void StartTheApi()
    {
        _directory = Directory.CreateTempSubdirectory("folio-todoapi-").FullName;
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
            web.UseSetting("Folio:TodoDb:Path", Path.Combine(_directory, "todo")));
        _client = _factory.CreateClient();
    }

    [TearDown]
    public void StopTheApi()
    {
        _client.Dispose();
        _factory.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public async Task ThePageIsServed()
    {
        using var response = await _client.GetAsync("/");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
        var page = await response.Content.ReadAsStringAsync();
        Assert.That(page, Does.Contain("<title>Todo</title>").And.Contain("fetch(url"));
    }

    [Test]
    public async Task AnItemIsAddedListedCompletedAndRemoved()
    {
        Assert.That(await _client.GetStringAsync("/todos"), Is.EqualTo("[]"));

        using var created = await _client.PostAsJsonAsync("/todos", new { title = "  read the guide " });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(created.Headers.Location?.OriginalString, Is.EqualTo("/todos/1"));
        var item = await ReadObjectAsync(created);
        Assert.That(item.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "id", "title", "done", "createdAt" }));
        Assert.That(item.GetProperty("id").GetInt64(), Is.EqualTo(1));
        Assert.That(item.GetProperty("title").GetString(), Is.EqualTo("read the guide"));
        Assert.That(item.GetProperty("done").GetBoolean(), Is.False);
        var createdAt = item.GetProperty("createdAt").GetDateTimeOffset();
        Assert.That(createdAt, Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromMinutes(5)));
        Assert.That(createdAt.Offset, Is.EqualTo(TimeSpan.Zero));

        await _client.PostAsJsonAsync("/todos", new { title = "ship it" });
        var list = JsonDocument.Parse(await _client.GetStringAsync("/todos")).RootElement;
        Assert.That(list.EnumerateArray().Select(t => t.GetProperty("title").GetString()), Is.EqualTo(new[] { "read the guide", "ship it" }));

        using var done = await _client.PostAsync("/todos/1/done", null);
        Assert.That(done.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await ReadObjectAsync(done)).GetProperty("done").GetBoolean(), Is.True);

        using var removed = await _client.DeleteAsync("/todos/2");
        Assert.That(removed.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        list = JsonDocument.Parse(await _client.GetStringAsync("/todos")).RootElement;
        Assert.That(list.GetArrayLength(), Is.EqualTo(1));
        Assert.That(list[0].GetProperty("done").GetBoolean(), Is.True);
    }

    [Test]
    public async Task AMissingItemIsA404ProblemOnBothDoneAndDelete()
    {
        foreach (var request in new[] { new HttpRequestMessage(HttpMethod.Post, "/todos/42/done"), new HttpRequestMessage(HttpMethod.Delete, "/todos/42") })
        {
            using var response = await _client.SendAsync(request);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), request.ToString());
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That((await ReadObjectAsync(response)).GetProperty("detail").GetString(), Is.EqualTo("There is no item 42."));
        }
    }

    [TestCase("{\"title\":\"\"}", "title")]
    [TestCase("{\"title\":\"   \"}", "title")]
    [TestCase("{}", "title")]
    [TestCase("{\"title\": 7}", null)]
    [TestCase("{not json", null)]
    [TestCase("", null)]
    public async Task ABadBodyIsA400Problem(string body, string? field)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync("/todos", content);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = await ReadObjectAsync(response);
        Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo(400));
        if (field is not null)
        {
            Assert.That(problem.GetProperty("errors").GetProperty(field)[0].GetString(), Does.Contain("title of 1 to 200 characters"));
        }
        Assert.That(await _client.GetStringAsync("/todos"), Is.EqualTo("[]"), "nothing was added");
    }

    [Test]
    public async Task TheHealthEndpointRunsTheFolioCheck()
    {
        using var response = await _client.GetAsync("/healthz");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("Healthy"));
    }

    private static async Task<JsonElement> ReadObjectAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
}
