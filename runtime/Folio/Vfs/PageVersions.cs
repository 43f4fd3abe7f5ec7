using Folio.Storage;

namespace Folio.Vfs;

/// <summary>
/// The highest version this process knows wrote each page, learned from its own commits and from
/// every page it decoded whose format records the writing version (<see cref="PageCodec"/>).
/// </summary>
/// <remarks>
/// A read pinned at version <c>P</c> must see, for each page, the last write at or before
/// <c>P</c>. So when this process knows page <c>n</c> was written at <c>K &lt;= P</c>, a value
/// written before <c>K</c> is an older copy put back (a replay), and is refused. A write known
/// only after <c>P</c> says nothing about what <c>P</c> holds, so it is not used. The table is
/// emptied when the history changes (a new lineage starts its versions afresh), and it lives only
/// as long as the process: docs/security.md says what that leaves undetected.
/// </remarks>
internal sealed class PageVersions
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, long> _written = new();

    /// <summary>Records that a commit at <paramref name="version"/> wrote <paramref name="pages"/>.</summary>
    public void OnWritten(IReadOnlyList<StorePage> pages, long version)
    {
        lock (_gate)
        {
            foreach (var page in pages)
            {
                if (!_written.TryGetValue(page.Number, out var known) || known < version)
                {
                    _written[page.Number] = version;
                }
            }
        }
    }

    /// <summary>Checks a decoded page's writing version, and learns it.</summary>
    /// <exception cref="PageCorruptException">An older value than a write this process saw.</exception>
    public void Check(string database, long number, long written, long pinned)
    {
        lock (_gate)
        {
            if (_written.TryGetValue(number, out var known))
            {
                if (known <= pinned && written < known)
                {
                    throw new PageCorruptException(database, number, PageCheck.Version,
                        $"the value was written at version {written}, but this process saw version {known} write the page, and the read is at version {pinned}: an older copy of the page was put back");
                }
                if (written <= known)
                {
                    return;
                }
            }
            _written[number] = written;
        }
    }

    /// <summary>Forgets everything (the history changed).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _written.Clear();
        }
    }
}
