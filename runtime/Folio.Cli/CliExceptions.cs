namespace Folio.Cli;

/// <summary>The exit codes of the <c>folio</c> command.</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>SQL failed, data is damaged or a store refused: the request was well formed.</summary>
    public const int DataError = 1;

    /// <summary>The command line was wrong: unknown command or option, missing or malformed argument.</summary>
    public const int UsageError = 2;
}

/// <summary>A mistake on the command line (exit code 2).</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>A well-formed request that failed because of the data or the store (exit code 1).</summary>
public sealed class CliDataException(string message, Exception? inner = null) : Exception(message, inner);
