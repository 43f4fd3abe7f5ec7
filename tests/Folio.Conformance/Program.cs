namespace Folio.Conformance;

internal static class Program
{
    private static int Main(string[] args) => ConsoleApp.Run(args, Console.Out, Console.Error);
}
