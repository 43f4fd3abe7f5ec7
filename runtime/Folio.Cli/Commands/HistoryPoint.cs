using System.Globalization;
using Folio.Cli.Stores;
using Folio.Storage;

namespace Folio.Cli.Commands;

/// <summary>
/// The state an <c>--at</c> option names: a version (a bare whole number), a time (ISO 8601, UTC
/// unless it says otherwise) or a bookmark (<c>fb1-…</c>). Every command that takes <c>--at</c>
/// reads it here, so they all accept the same forms and refuse them with the same words.
/// </summary>
internal abstract record HistoryPoint
{
    /// <summary>The forms <c>--at</c> accepts, for help and errors.</summary>
    public const string Forms = "a version number, an ISO 8601 time such as 2026-12-01T14:00:00Z, or a bookmark (fb1-…) as 'folio log' prints it";

    private HistoryPoint()
    {
    }

    /// <summary>Reads <paramref name="text"/>, the value of <c>--at</c>.</summary>
    /// <exception cref="UsageException">None of the three forms.</exception>
    public static HistoryPoint Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > 0 && text.All(char.IsAsciiDigit))
        {
            return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
                ? new AtVersion(version)
                : throw new UsageException($"--at {text}: the version number is too large");
        }
        if (text.StartsWith("fb", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                return new AtBookmark(FolioBookmark.Parse(text));
            }
            catch (FormatException e)
            {
                throw new UsageException($"--at: {e.Message}");
            }
        }
        if (text.Length > 0 && char.IsAsciiDigit(text[0])
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var time))
        {
            return new AtTime(time);
        }
        throw new UsageException($"--at '{text}' is not {Forms}");
    }

    /// <summary>The <c>--at</c> option of <paramref name="line"/>, which the command requires.</summary>
    /// <exception cref="UsageException">It is missing or malformed.</exception>
    public static HistoryPoint Required(CommandLine line) =>
        Parse(line.Value("at") ?? throw new UsageException($"'{line.Command}' needs --at <version|time|bookmark>"));

    /// <summary>
    /// The bookmark this point names on <paramref name="db"/>, opened on <paramref name="store"/> at
    /// <paramref name="location"/>: the version or time is looked up in the store's history.
    /// </summary>
    /// <exception cref="CliDataException">The store keeps no history.</exception>
    /// <exception cref="VersionNotRetainedException">No retained version was in force at the time.</exception>
    public FolioBookmark Find(FolioDatabase db, IPageStore store, StoreLocation location)
    {
        RequireHistory(store, location);
        return Resolve(db);
    }

    /// <summary>The bookmark this point names on <paramref name="db"/>, whose store keeps history.</summary>
    protected abstract FolioBookmark Resolve(FolioDatabase db);

    /// <summary>
    /// The history of <paramref name="store"/>, or a data error saying the store keeps none, so
    /// <c>log</c>, <c>--at</c>, <c>restore</c> and <c>branch</c> fail the same way on such a store.
    /// </summary>
    /// <exception cref="CliDataException">The store does not keep history.</exception>
    public static IPageStoreHistory RequireHistory(IPageStore store, StoreLocation location) =>
        store as IPageStoreHistory ?? throw new CliDataException(
            $"store '{location}' keeps no history ({store.GetType().Name} does not offer IPageStoreHistory), so it has no past versions to list, read, restore or branch from");

    /// <summary>A version number.</summary>
    public sealed record AtVersion(long Version) : HistoryPoint
    {
        protected override FolioBookmark Resolve(FolioDatabase db) => FolioBookmark.Of(db.HistoryRange.Lineage, Version);

        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"version {Version}");
    }

    /// <summary>A time: the version in force then.</summary>
    public sealed record AtTime(DateTimeOffset Time) : HistoryPoint
    {
        protected override FolioBookmark Resolve(FolioDatabase db) => db.GetBookmarkForTime(Time);

        public override string ToString() => HistoryText.Time(Time);
    }

    /// <summary>A bookmark token.</summary>
    public sealed record AtBookmark(FolioBookmark Bookmark) : HistoryPoint
    {
        protected override FolioBookmark Resolve(FolioDatabase db) => Bookmark;

        public override string ToString() => Bookmark.ToString();
    }
}

/// <summary>How the history commands write times and versions.</summary>
internal static class HistoryText
{
    /// <summary>A time in UTC, ISO 8601 to the millisecond (the precision stores record).</summary>
    public static string Time(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
