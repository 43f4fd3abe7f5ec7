using System.Globalization;
using System.Text;

namespace Folio.Redis;

/// <summary>
/// The text of change-log entries: <c>version:pages</c>, where pages is a comma-separated list of
/// page numbers and inclusive ranges (<c>3,7-12,40</c>), or <c>*</c> when a commit changed too much
/// to be worth listing (a reader then drops its whole cache).
/// </summary>
internal static class ChangeLog
{
    /// <summary>An entry longer than this is logged as <c>*</c>: invalidating everything is cheaper than parsing it.</summary>
    public const int MaxEntryChars = 16 * 1024;

    /// <summary>A change set expanding to more pages than this is reported as unknown (drop the whole cache).</summary>
    public const int MaxReportedPages = 65536;

    /// <summary>Encodes ascending page numbers as ranges.</summary>
    public static string Encode(IReadOnlyList<long> ascendingPages)
    {
        var text = new StringBuilder();
        var i = 0;
        while (i < ascendingPages.Count)
        {
            var first = ascendingPages[i];
            var last = first;
            while (i + 1 < ascendingPages.Count && ascendingPages[i + 1] == last + 1)
            {
                last = ascendingPages[++i];
            }
            i++;
            if (text.Length > 0)
            {
                text.Append(',');
            }
            text.Append(first.ToString(CultureInfo.InvariantCulture));
            if (last != first)
            {
                text.Append('-').Append(last.ToString(CultureInfo.InvariantCulture));
            }
            if (text.Length > MaxEntryChars)
            {
                return "*";
            }
        }
        return text.ToString();
    }

    /// <summary>
    /// Adds the pages of consecutive entries <c>knownVersion+1 … knownVersion+n</c> to <paramref name="changed"/>.
    /// </summary>
    /// <returns>False when the entries do not prove which pages changed (a gap, <c>*</c>, or too many pages).</returns>
    public static bool TryCollect(IEnumerable<string> entries, long knownVersion, HashSet<long> changed)
    {
        var expected = knownVersion + 1;
        foreach (var entry in entries)
        {
            var colon = entry.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0 || !long.TryParse(entry.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version != expected)
            {
                return false;
            }
            expected++;
            if (!TryAddPages(entry.AsSpan(colon + 1), changed))
            {
                return false;
            }
        }
        return true;
    }

    private static bool TryAddPages(ReadOnlySpan<char> list, HashSet<long> changed)
    {
        if (list.SequenceEqual("*"))
        {
            return false;
        }
        foreach (var range in list.Split(','))
        {
            var token = list[range];
            if (token.IsEmpty)
            {
                continue;
            }
            var dash = token.IndexOf('-');
            var firstText = dash < 0 ? token : token[..dash];
            var lastText = dash < 0 ? token : token[(dash + 1)..];
            if (!long.TryParse(firstText, NumberStyles.None, CultureInfo.InvariantCulture, out var first)
                || !long.TryParse(lastText, NumberStyles.None, CultureInfo.InvariantCulture, out var last)
                || last < first
                || changed.Count + (last - first + 1) > MaxReportedPages)
            {
                return false;
            }
            for (var page = first; page <= last; page++)
            {
                changed.Add(page);
            }
        }
        return true;
    }
}
