using Folio.Storage;

namespace Folio.Cli.Commands;

/// <summary>Runs <c>PRAGMA integrity_check</c> on a store through a fresh Folio connection.</summary>
internal static class IntegrityCheck
{
    /// <summary>The check's messages: exactly <c>["ok"]</c> when clean. A failure to read becomes a message too.</summary>
    public static List<string> Run(CliContext context, IPageStore store, string label)
    {
        try
        {
            using var db = context.OpenDatabase(store, label);
            using var connection = db.OpenConnection();
            return connection.Query("PRAGMA integrity_check").Select(row => row[0]?.ToString() ?? "").ToList();
        }
        catch (FolioException e)
        {
            return [CliApplication.OneLine(e.Message)];
        }
    }

    /// <summary>Prints <c>integrity_check: ok</c>, or the messages and fails.</summary>
    /// <exception cref="CliDataException">The check found problems.</exception>
    public static void RequireOk(CliContext context, IPageStore store, string label, string what)
    {
        var messages = Run(context, store, label);
        if (IsOk(messages))
        {
            context.Out.WriteLine("integrity_check: ok");
            return;
        }
        foreach (var message in messages)
        {
            context.Out.WriteLine($"integrity_check: {message}");
        }
        throw new CliDataException($"{what} fails integrity_check: {messages[0]}");
    }

    /// <summary>True for a clean result.</summary>
    public static bool IsOk(IReadOnlyList<string> messages) => messages is ["ok"];
}
