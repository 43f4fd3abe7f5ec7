namespace Folio.Storage;

/// <summary>
/// An optional capability of an <see cref="IPageStore"/>: the store keeps the page values each
/// commit replaced for a retention window, so any retained version can be read again. Folio's
/// time travel (bookmarks, reading the past, restore, branch, <c>folio log</c>) stands on it.
/// </summary>
/// <remarks>
/// <para>
/// A store offering history must, with every commit that makes version <c>N</c>:
/// </para>
/// <list type="bullet">
/// <item>record the version (<see cref="StoreVersion"/>: commit time, page count, pages and bytes
/// written) atomically with the commit;</item>
/// <item>keep every value the commit overwrote or deleted, with the version that wrote it, for as
/// long as a retained version still reads it;</item>
/// <item>collect what fell out of <see cref="Retention"/> in bounded steps (a few values per
/// commit, never a pass over the whole database).</item>
/// </list>
/// <para>
/// A read at a retained version (<see cref="BeginReadAt"/>) sees every page exactly as it was at
/// that version. A version outside retention is refused with
/// <see cref="VersionNotRetainedException"/>, which names the range that is available.
/// </para>
/// </remarks>
public interface IPageStoreHistory
{
    /// <summary>How much history this store keeps (its writers' setting: each commit collects by it).</summary>
    HistoryRetention Retention { get; }

    /// <summary>The retained versions, oldest to newest (newest is the current version), and the lineage they belong to.</summary>
    StoreHistoryRange GetHistoryRange();

    /// <summary>
    /// The retained versions at or below <paramref name="newest"/>, newest first, at most
    /// <paramref name="count"/> of them.
    /// </summary>
    IReadOnlyList<StoreVersion> GetVersions(long newest, int count);

    /// <summary>
    /// The version in force at <paramref name="time"/>: the newest retained version committed at or
    /// before it, or null when every retained version is younger.
    /// </summary>
    StoreVersion? FindVersionAt(DateTimeOffset time);

    /// <summary>Starts a read pinned at the retained version <paramref name="version"/>.</summary>
    /// <exception cref="VersionNotRetainedException">The version is not (or no longer) retained.</exception>
    IPageStoreReader BeginReadAt(long version);

    /// <summary>What the retained past costs the store now: values kept and their bytes.</summary>
    StoreHistoryUsage GetUsage();
}

/// <summary>How much history a store keeps: both limits apply, and the current version is always kept.</summary>
/// <remarks>
/// The default keeps the last 100 past versions, none of them out of force for more than a day: a
/// bad migration or a wrong delete can be undone the same day, and a busy database keeps no more
/// than 100 commits' worth of replaced pages.
/// </remarks>
public sealed record HistoryRetention
{
    /// <summary>The default: 100 past versions, within one day.</summary>
    public static HistoryRetention Default { get; } = new();

    /// <summary>No history: each commit's replaced values are dropped at once, as before time travel.</summary>
    public static HistoryRetention None { get; } = new() { Versions = 0, MaxAge = null };

    /// <summary>How many past versions to keep besides the current one; 0 keeps none.</summary>
    public int Versions { get; init; } = 100;

    /// <summary>
    /// How long a version stays retained after a later commit replaced it; null for no limit of time
    /// (then only <see cref="Versions"/> bounds the history).
    /// </summary>
    public TimeSpan? MaxAge { get; init; } = TimeSpan.FromDays(1);

    /// <summary>True when any past version is kept.</summary>
    public bool IsEnabled => Versions > 0;

    /// <summary>Checks the values, naming the bad one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative count or a non-positive age.</exception>
    public HistoryRetention Validate()
    {
        if (Versions < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Versions), Versions, "HistoryRetention.Versions cannot be negative.");
        }
        if (MaxAge is { } age && age <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAge), age, "HistoryRetention.MaxAge must be positive, or null for no limit of time.");
        }
        return this;
    }

    /// <summary>
    /// The oldest version to keep after a commit made <paramref name="newest"/> at
    /// <paramref name="now"/>: by count, and by age through <paramref name="inForceAt"/> (the
    /// version in force at a time, or null when none of the retained ones is that old).
    /// </summary>
    public long OldestToKeep(long newest, DateTimeOffset now, Func<DateTimeOffset, long?> inForceAt)
    {
        var oldest = Math.Max(1, newest - Versions);
        if (MaxAge is { } age && inForceAt(now - age) is { } byAge && byAge > oldest)
        {
            oldest = Math.Min(byAge, newest);
        }
        return oldest;
    }

    /// <summary>The retention as text: "100 versions, 1.00:00:00".</summary>
    public override string ToString() => IsEnabled ? MaxAge is { } age ? $"{Versions} versions within {age}" : $"{Versions} versions" : "none";
}

/// <summary>One retained version of a database.</summary>
/// <param name="Version">The version number.</param>
/// <param name="CommittedAt">When the commit that made it was applied (the committer's clock).</param>
/// <param name="PageCount">The page count at that version.</param>
/// <param name="PagesWritten">How many pages the commit wrote.</param>
/// <param name="BytesWritten">How many stored bytes the commit wrote.</param>
public readonly record struct StoreVersion(long Version, DateTimeOffset CommittedAt, long PageCount, int PagesWritten, long BytesWritten);

/// <summary>The versions a store can read: <paramref name="Oldest"/> to <paramref name="Newest"/>, both included.</summary>
/// <param name="Lineage">The database's identity and epoch.</param>
/// <param name="Oldest">The oldest retained version (equal to <paramref name="Newest"/> without history).</param>
/// <param name="Newest">The current version.</param>
public readonly record struct StoreHistoryRange(StoreLineage Lineage, long Oldest, long Newest)
{
    /// <summary>True when <paramref name="version"/> can be read.</summary>
    public bool Contains(long version) => version >= Oldest && version <= Newest;

    /// <summary>The range as error messages show it.</summary>
    public override string ToString() => Oldest == Newest ? $"version {Newest} only" : $"versions {Oldest} to {Newest}";
}

/// <summary>What a store's retained history costs.</summary>
/// <param name="Values">Past page values kept.</param>
/// <param name="Bytes">Their stored bytes.</param>
/// <param name="Versions">Version records kept.</param>
public readonly record struct StoreHistoryUsage(long Values, long Bytes, long Versions);

/// <summary>A version that the store does not (or no longer) retain was asked for.</summary>
public class VersionNotRetainedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public VersionNotRetainedException(string database, long version, StoreHistoryRange available, string? detail = null)
        : base($"Folio database '{database}': version {version} is not retained{(detail is null ? "" : $" ({detail})")}; the store holds {available}.")
    {
        Database = database;
        Version = version;
        Available = available;
    }

    /// <summary>Creates the exception with a message of its own (a time, a bookmark of another epoch).</summary>
    public VersionNotRetainedException(string database, string message, StoreHistoryRange available)
        : base(message)
    {
        Database = database;
        Version = -1;
        Available = available;
    }

    /// <summary>The database's name.</summary>
    public string Database { get; }

    /// <summary>The version asked for; -1 when a time or another history was asked for.</summary>
    public long Version { get; }

    /// <summary>The versions that can be read.</summary>
    public StoreHistoryRange Available { get; }
}
