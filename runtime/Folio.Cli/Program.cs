namespace Folio.Cli;

/// <summary>The process entry point of <c>folio</c>.</summary>
internal static class Program
{
    private static int Main(string[] args) => CliApplication.RunOnConsole(args);
}
