using Folio.Storage;

namespace Folio.Vfs;

internal sealed partial class CommitPolicy<TStore, TPageSize>
{
    /// <summary>
    /// Plans the version map of an encrypted database's commit (see <see cref="PageVersionMap"/>)
    /// and adds the pages it must carry: page 0 (the root) always; on a shrink, the new last page,
    /// so the nodes the cut changes have a page of their own range to travel in; on a growth, any
    /// page past the old end that SQLite did not write, as zeros. An old node this process does not
    /// know is read first: with the view's reader on the synchronous path; on the asynchronous one
    /// the call fetches it and runs the statement again.
    /// </summary>
    private MapCommitPlan? PlanMap(PageVersionMap map, List<KeyValuePair<long, byte[]>> pages, List<KeyValuePair<long, byte[]>> changed, long newPageCount)
    {
        if (newPageCount == 0)
        {
            return null;
        }
        // The usual commit (page 0 written, the page count kept) adds nothing.
        if (changed.Count == 0 || changed[0].Key != 0 || newPageCount != view.PageCount)
        {
            var present = new HashSet<long>(changed.Count);
            foreach (var page in changed)
            {
                present.Add(page.Key);
            }
            Include(pages, changed, present, 0);
            if (newPageCount < view.PageCount)
            {
                Include(pages, changed, present, newPageCount - 1);
            }
            for (var page = view.PageCount; page < newPageCount; page++)
            {
                Include(pages, changed, present, page);
            }
            changed.Sort(static (a, b) => a.Key.CompareTo(b.Key));
        }
        var numbers = new long[changed.Count];
        for (var i = 0; i < numbers.Length; i++)
        {
            numbers[i] = changed[i].Key;
        }
        HashSet<long>? read = null;
        while (true)
        {
            var lookup = map.Plan(db.Name, view.Version, view.PageCount, newPageCount, numbers, seed: null, out var plan);
            if (lookup.Kind != MapLookupKind.Need)
            {
                return plan; // null when the version has no map yet (a database being encrypted)
            }
            if (!(read ??= []).Add(lookup.Carrier))
            {
                throw PageVersionMap.CarrierPutBack(db.Name, lookup, carrierWritten: null, view.Version);
            }
            view.LearnMapNodes(lookup.Carrier);
        }
    }

    /// <summary>Adds page <paramref name="page"/> to the commit unless it is in already: SQLite's copy, else zeros past the old end, else the view's.</summary>
    private void Include(List<KeyValuePair<long, byte[]>> pages, List<KeyValuePair<long, byte[]>> changed, HashSet<long> present, long page)
    {
        if (!present.Add(page))
        {
            return;
        }
        byte[]? data = null;
        foreach (var written in pages)
        {
            if (written.Key == page)
            {
                data = written.Value;
                break;
            }
        }
        changed.Add(new(page, data ?? (page >= view.PageCount ? new byte[view.PageSize] : view.ReadCopy(page))));
    }
}
