using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Folio.Storage;

namespace Folio;

/// <summary>
/// Names one state of one database: its identity, the epoch of its history, and a version. Print it,
/// keep it, and hand it back to <see cref="FolioDatabase.OpenAt"/>, <see cref="FolioDatabase.RestoreTo"/>,
/// <see cref="FolioDatabase.Branch"/> or the <c>folio</c> tool's <c>--at</c>.
/// </summary>
/// <remarks>
/// The text form (<c>fb1-&lt;identity&gt;-&lt;epoch&gt;-&lt;version&gt;</c>) is opaque: compare and
/// parse bookmarks, do not take them apart. A bookmark of another database, or of a version outside
/// the store's retention, is refused with an error that names what is available.
/// </remarks>
/// <param name="DatabaseId">The database's identity (<see cref="StoreLineage.DatabaseId"/>).</param>
/// <param name="Epoch">The epoch of its history (<see cref="StoreLineage.Epoch"/>).</param>
/// <param name="Version">The version.</param>
public readonly record struct FolioBookmark(Guid DatabaseId, long Epoch, long Version) : IParsable<FolioBookmark>
{
    private const string Prefix = "fb1-";

    /// <summary>The bookmark of <paramref name="version"/> on <paramref name="lineage"/>.</summary>
    public static FolioBookmark Of(StoreLineage lineage, long version) => new(lineage.DatabaseId, lineage.Epoch, version);

    /// <summary>The lineage the bookmark belongs to.</summary>
    public StoreLineage Lineage => new(DatabaseId, Epoch);

    /// <summary>The printable token.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Prefix}{DatabaseId:N}-{Epoch}-{Version}");

    /// <summary>Reads a token made by <see cref="ToString"/>.</summary>
    /// <exception cref="FormatException">The text is not a Folio bookmark; the message shows it.</exception>
    public static FolioBookmark Parse(string s, IFormatProvider? provider = null) =>
        TryParse(s, provider, out var bookmark) ? bookmark
            : throw new FormatException($"'{s}' is not a Folio bookmark: expected fb1-<32 hex digits>-<epoch>-<version>, as FolioDatabase.Bookmark or 'folio log' print them.");

    /// <summary>Reads a token made by <see cref="ToString"/>; false when the text is not one.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out FolioBookmark result)
    {
        result = default;
        if (s is null || !s.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }
        var parts = s[Prefix.Length..].Split('-');
        if (parts.Length != 3
            || !Guid.TryParseExact(parts[0], "N", out var id)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var epoch)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return false;
        }
        result = new FolioBookmark(id, epoch, version);
        return true;
    }
}
