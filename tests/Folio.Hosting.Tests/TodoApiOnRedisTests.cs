using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Folio.Redis;
using Folio.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using TodoApi;

namespace Folio.Hosting.Tests;

/// <summary>samples/TodoApi with <c>Folio:Redis</c> set: the same API over a real redis-server, shared by two instances.</summary>
public class TodoApiOnRedisTests
{
    [Test]
    public async Task TwoInstancesOnOneRedisDatabaseServeTheSameList()
    {
        using var server = RedisServer.Start();
        var database = "todo-api-" + Guid.NewGuid().ToString("N");
        WebApplicationFactory<Program> Instance() => new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Folio:Redis", server.Configuration);
            web.UseSetting("Folio:RedisDatabase", database);
        });
        using var first = Instance();
        using var second = Instance();
        using var a = first.CreateClient();
        using var b = second.CreateClient();

        using var created = await a.PostAsJsonAsync("/todos", new { title = "kept in redis" });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(first.Services.GetRequiredService<TodoDb>().Database.Store, Is.TypeOf<RedisPageStore>());

        using var done = await b.PostAsync("/todos/1/done", null);
        Assert.That(done.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the second instance sees the first one's item");
        var list = JsonDocument.Parse(await a.GetStringAsync("/todos")).RootElement;
        Assert.That(list.GetArrayLength(), Is.EqualTo(1));
        Assert.That(list[0].GetProperty("done").GetBoolean(), Is.True, "and the first sees the second one's change");
    }
}
