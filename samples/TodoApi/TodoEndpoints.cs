using Microsoft.AspNetCore.Http.HttpResults;

namespace TodoApi;

/// <summary>What a client sends to add an item.</summary>
public sealed record NewTodo(string? Title);

/// <summary>The API's endpoints, each a thin layer over one typed method of <see cref="TodoDb"/>.</summary>
public static class TodoEndpoints
{
    /// <summary>The longest title the API accepts.</summary>
    public const int MaxTitleLength = 200;

    /// <summary>Maps the page and the <c>/todos</c> endpoints.</summary>
    public static WebApplication MapTodos(this WebApplication app)
    {
        app.MapGet("/", () => Results.Content(Page.Value, "text/html; charset=utf-8"));
        var todos = app.MapGroup("/todos");
        todos.MapGet("/", (TodoDb db, CancellationToken ct) => db.ListAsync(ct));
        todos.MapPost("/", AddAsync);
        todos.MapPost("/{id:long}/done", CompleteAsync);
        todos.MapDelete("/{id:long}", RemoveAsync);
        return app;
    }

    private static async Task<Results<Created<TodoItem>, ValidationProblem>> AddAsync(NewTodo todo, TodoDb db, TimeProvider clock, CancellationToken ct)
    {
        var title = todo.Title?.Trim();
        if (string.IsNullOrEmpty(title) || title.Length > MaxTitleLength)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["title"] = [$"A title of 1 to {MaxTitleLength} characters is required."],
            });
        }
        var item = await db.AddAsync(title, clock.GetUtcNow(), ct);
        return TypedResults.Created($"/todos/{item.Id}", item);
    }

    private static async Task<Results<Ok<TodoItem>, ProblemHttpResult>> CompleteAsync(long id, TodoDb db, CancellationToken ct) =>
        await db.CompleteAsync(id, ct) is { } item ? TypedResults.Ok(item) : NoSuchItem(id);

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveAsync(long id, TodoDb db, CancellationToken ct) =>
        await db.RemoveAsync(id, ct) > 0 ? TypedResults.NoContent() : NoSuchItem(id);

    private static ProblemHttpResult NoSuchItem(long id) =>
        TypedResults.Problem($"There is no item {id}.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    private static readonly Lazy<string> Page = new(() =>
    {
        using var stream = typeof(TodoEndpoints).Assembly.GetManifestResourceStream("TodoApi.index.html")
            ?? throw new InvalidOperationException("The page TodoApi.index.html is not embedded in the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });
}
