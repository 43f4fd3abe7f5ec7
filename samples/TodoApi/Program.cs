using Folio.Redis;
using TodoApi;

var builder = WebApplication.CreateBuilder(args);

// The store: the embedded file store in ./todo-api-data, or Redis when "Folio:Redis" is set
// (e.g. Folio__Redis=127.0.0.1:6379). The rest of "Folio:TodoDb" binds the database's options.
var redis = builder.Configuration["Folio:Redis"];
if (redis is not null)
{
    builder.Services.AddSingleton<StackExchange.Redis.IConnectionMultiplexer>(_ => RedisPageStore.Connect(redis));
}
builder.Services.AddFolioDatabase<TodoDb>(builder.Configuration.GetSection("Folio:TodoDb"), o =>
{
    if (redis is not null)
    {
        o.UseRedis(builder.Configuration["Folio:RedisDatabase"] ?? "todo-api");
    }
    else if (o.Path is null && !o.InMemory)
    {
        o.UseFileStore("todo-api-data");
    }
});
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddProblemDetails();
builder.Services.AddHealthChecks().AddFolio();

var app = builder.Build();
// A body that is not JSON, or not the right JSON, is the client's mistake: a 400 problem, in
// every environment (Development would otherwise rethrow it as a 500).
app.UseExceptionHandler(new ExceptionHandlerOptions
{
    StatusCodeSelector = e => e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
});
app.UseStatusCodePages();
app.MapTodos();
app.MapHealthChecks("/healthz");
app.Run();

/// <summary>The entry point, visible to the HTTP tests' WebApplicationFactory.</summary>
public partial class Program;
