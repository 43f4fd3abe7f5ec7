using Folio.Storage;

namespace Folio.Cli.Stores;

/// <summary>
/// A store named on the command line: knows whether a database exists there (and its page size,
/// which the commands need before they can open it), opens it, and describes it for <c>info</c>.
/// One subclass per URI scheme.
/// </summary>
public abstract class StoreLocation(string uri)
{
    /// <summary>The location as the user wrote it.</summary>
    public string Uri { get; } = uri;

    /// <summary>The existing database's page size and page count, or null when there is no database there.</summary>
    /// <exception cref="CliDataException">Something is there, but not a Folio store.</exception>
    public abstract StoreProbe? Probe();

    /// <summary>Opens the store, creating the database with <paramref name="pageSize"/> when it does not exist.</summary>
    public abstract IPageStore Open(int pageSize, StoreSettings settings);

    /// <summary>Store-specific lines for <c>folio info</c> (kind, file, neighbours...).</summary>
    public abstract IEnumerable<KeyValuePair<string, string>> Describe(IPageStore store);

    /// <summary>When the store last committed, if it keeps that.</summary>
    public virtual DateTimeOffset? LastCommitTime(IPageStore store) => null;

    /// <summary>Opens a database that must already exist, with its own page size.</summary>
    /// <exception cref="CliDataException">There is no database at this location.</exception>
    public IPageStore OpenExisting(StoreSettings settings)
    {
        var probe = Probe() ?? throw new CliDataException($"store '{Uri}' does not exist");
        return Open(probe.PageSize, settings);
    }

    /// <inheritdoc />
    public override string ToString() => Uri;
}

/// <summary>What a location holds before it is opened.</summary>
/// <param name="PageSize">The database's page size.</param>
/// <param name="PageCount">Its page count (0 for a database created but never written).</param>
public sealed record StoreProbe(int PageSize, long PageCount);

/// <summary>Settings that apply to every store the command opens.</summary>
/// <param name="BusyTimeout">How long to wait for other processes' locks and commits.</param>
public sealed record StoreSettings(TimeSpan BusyTimeout);

/// <summary>One URI scheme (<c>file:</c>, <c>redis://</c>): the syntax it accepts and the parser.</summary>
public interface IStoreScheme
{
    /// <summary>The scheme without its colon.</summary>
    string Scheme { get; }

    /// <summary>The syntax shown in help and usage errors.</summary>
    string Syntax { get; }

    /// <summary>Parses a location that starts with <c>scheme:</c>.</summary>
    /// <exception cref="UsageException">The location is malformed or the scheme is not available.</exception>
    StoreLocation Parse(string uri);
}

/// <summary>The schemes <c>folio</c> understands. Supporting another store is one <see cref="IStoreScheme"/> added here.</summary>
public static class StoreSchemes
{
    /// <summary>Every known scheme.</summary>
    public static IReadOnlyList<IStoreScheme> All { get; } = [new FileStoreScheme(), new RedisStoreScheme()];

    /// <summary>Parses a store location.</summary>
    /// <exception cref="UsageException">No scheme matches, or the scheme's parser refuses it.</exception>
    public static StoreLocation Parse(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var colon = uri.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0)
        {
            var scheme = uri[..colon];
            foreach (var candidate in All)
            {
                if (string.Equals(candidate.Scheme, scheme, StringComparison.OrdinalIgnoreCase))
                {
                    return candidate.Parse(uri);
                }
            }
        }
        throw new UsageException($"'{uri}' is not a store location; write {string.Join(" or ", All.Select(s => s.Syntax))}");
    }
}
