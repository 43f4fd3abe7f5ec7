namespace Folio.Storage;

public sealed partial class PageVersionMap
{
    /// <summary>
    /// Checks that page <paramref name="number"/>, whose value <paramref name="written"/> wrote (0:
    /// no value), is the page's last write at <paramref name="reader"/>'s version; map nodes it
    /// does not know yet are read with <paramref name="reader"/>, on this thread.
    /// </summary>
    internal void Check(string database, IPageStoreReader reader, long number, long written)
    {
        var fetched = new Dictionary<long, long> { [number] = written };
        byte[]? stored = null;
        byte[]? scratch = null;
        for (var step = 0; step < MaxSteps; step++)
        {
            var lookup = Resolve(database, reader.Version, reader.PageCount, number);
            if (lookup.Kind != MapLookupKind.Need)
            {
                Compare(database, number, written, lookup, reader.Version);
                return;
            }
            if (fetched.TryGetValue(lookup.Carrier, out var carrierWritten))
            {
                throw CarrierPutBack(database, lookup, carrierWritten, reader.Version);
            }
            stored ??= new byte[_codec.MaxEncodedSize(_pageSize)];
            scratch ??= new byte[_pageSize];
            var length = reader.ReadPage(lookup.Carrier, stored);
            fetched[lookup.Carrier] = length == 0 ? 0
                : DecodeAndLearn(database, new PageAddress(reader.Lineage.DatabaseId, lookup.Carrier, reader.Version), stored.AsSpan(0, length), scratch);
        }
        throw TooDeep(database, number, reader.Version);
    }

    /// <summary>
    /// The asynchronous <see cref="Check"/> of a batch of decoded pages: the map nodes none of them
    /// carried are read in awaited batches, one per level of the map at most.
    /// </summary>
    internal async ValueTask CheckAsync(string database, IPageStoreReader reader, IReadOnlyList<long> numbers, IReadOnlyList<long> written, CancellationToken cancellationToken)
    {
        var fetched = new Dictionary<long, long>();
        for (var i = 0; i < numbers.Count; i++)
        {
            fetched.TryAdd(numbers[i], written[i]);
        }
        var pending = Enumerable.Range(0, numbers.Count).ToList();
        var slot = _codec.MaxEncodedSize(_pageSize);
        var scratch = new byte[_pageSize];
        for (var step = 0; step < MaxSteps && pending.Count > 0; step++)
        {
            var wanted = new SortedSet<long>();
            pending.RemoveAll(i =>
            {
                var lookup = Resolve(database, reader.Version, reader.PageCount, numbers[i]);
                if (lookup.Kind != MapLookupKind.Need)
                {
                    Compare(database, numbers[i], written[i], lookup, reader.Version);
                    return true;
                }
                if (fetched.TryGetValue(lookup.Carrier, out var carrierWritten))
                {
                    throw CarrierPutBack(database, lookup, carrierWritten, reader.Version);
                }
                wanted.Add(lookup.Carrier);
                return false;
            });
            if (wanted.Count == 0)
            {
                continue;
            }
            var carriers = wanted.ToArray();
            var buffer = new byte[slot * carriers.Length];
            var lengths = new int[carriers.Length];
            await reader.ReadPagesAsync(carriers, buffer, slot, lengths, cancellationToken).ConfigureAwait(false);
            for (var c = 0; c < carriers.Length; c++)
            {
                fetched[carriers[c]] = lengths[c] == 0 ? 0
                    : DecodeAndLearn(database, new PageAddress(reader.Lineage.DatabaseId, carriers[c], reader.Version), buffer.AsSpan(c * slot, lengths[c]), scratch);
            }
        }
        if (pending.Count > 0)
        {
            throw TooDeep(database, numbers[pending[0]], reader.Version);
        }
    }

    private static void Compare(string database, long number, long written, MapLookup lookup, long pinned)
    {
        if (lookup.Kind == MapLookupKind.Unchecked || lookup.Written == written)
        {
            return;
        }
        var last = lookup.Written;
        throw new PageCorruptException(database, number, PageCheck.Version, (written, last) switch
        {
            (0, _) => $"the store has no value for the page, but the version map at version {pinned} says version {last} wrote it: the value was deleted",
            (_, 0) => $"the value was written at version {written}, but the version map at version {pinned} says no commit wrote the page: it does not belong to this version",
            _ when written < last => $"the value was written at version {written}, but the version map at version {pinned} says version {last} last wrote the page: an older copy of the page was put back",
            _ => $"the value was written at version {written}, but the version map at version {pinned} says version {last} last wrote the page: the map is older than the page, so page 0 or a page carrying the map was put back",
        });
    }

    /// <summary>The error for a page read for the map that did not carry what the map says it does.</summary>
    internal static PageCorruptException CarrierPutBack(string database, MapLookup lookup, long? carrierWritten, long pinned)
    {
        var value = carrierWritten is { } written ? $"the value was written at version {written}" : "the value does not carry it";
        return lookup.Level < 0
            ? new PageCorruptException(database, 0, PageCheck.Version,
                $"{value}, but the read is at version {pinned}: every commit rewrites page 0 with the version map's root, so an older copy of page 0 was put back (or the store's version was altered)")
            : new PageCorruptException(database, lookup.Carrier, PageCheck.Version,
                $"the version map at version {pinned} says this page carries its level-{lookup.Level} node {lookup.Index} as written at version {lookup.Version}, but {value}: an older copy of the page was put back");
    }

    private static PageCorruptException TooDeep(string database, long number, long pinned) =>
        new(database, number, PageCheck.Version, $"the version map at version {pinned} could not be followed to the page in {MaxSteps} steps");
}
