namespace Folio.Storage;

public sealed partial class PageVersionMap
{
    /// <summary>
    /// Plans the map of the commit that turns version <paramref name="pinned"/> (of
    /// <paramref name="oldPageCount"/> pages) into the next one, writing <paramref name="batch"/>
    /// (ascending page numbers, page 0 first): the nodes it changes and which written page carries
    /// each. Returns <see cref="MapLookupKind.Need"/> with a page to read first when an old node is
    /// not known; the plan is then null.
    /// </summary>
    /// <param name="database">For messages.</param>
    /// <param name="pinned">The version the commit was read at.</param>
    /// <param name="oldPageCount">The page count at <paramref name="pinned"/>.</param>
    /// <param name="newPageCount">The page count the commit makes.</param>
    /// <param name="batch">The pages the commit writes, ascending, page 0 among them.</param>
    /// <param name="seed">For a version with no map (a database being encrypted): every page's writing version, which a full rewrite of the map starts from; the whole map is then rewritten.</param>
    /// <param name="plan">The plan, when the result is <see cref="MapLookupKind.Found"/>.</param>
    internal MapLookup Plan(string database, long pinned, long oldPageCount, long newPageCount, IReadOnlyList<long> batch, long[]? seed, out MapCommitPlan? plan)
    {
        plan = null;
        var version = pinned + 1;
        if (newPageCount == 0)
        {
            plan = new MapCommitPlan(version, [], new Dictionary<long, byte[]>());
            return MapLookup.Found(0);
        }
        if (batch.Count == 0 || batch[0] != 0)
        {
            throw new InvalidOperationException($"Folio database '{database}': a commit of an encrypted database must rewrite page 0, which carries its version map's root");
        }
        MapNode? oldRoot = null;
        if (oldPageCount > 0 && seed is null)
        {
            lock (_gate)
            {
                if (!TryGetRootLocked(pinned, out oldRoot))
                {
                    // A version with no map (a database being encrypted) is written on without one until folio rekey writes it.
                    return _unmapped.Contains(pinned) ? MapLookup.Unchecked : MapLookup.Need(0, -1, 0, pinned);
                }
            }
        }
        var oldTop = oldRoot?.Level ?? -1;
        var top = VersionMapNodes.TopLevel(newPageCount);
        var touched = Touched(batch, oldPageCount, newPageCount, top, rewriteAll: seed is not null);
        var carriers = new uint[top + 1][];
        var nodes = new List<MapNode>();
        for (var level = 0; level <= top; level++)
        {
            var indexes = touched[level];
            carriers[level] = new uint[indexes.Count];
            for (var t = 0; t < indexes.Count; t++)
            {
                var index = indexes[t];
                var lookup = OldNode(oldRoot, oldTop, level, index, out var previous);
                if (lookup.Kind == MapLookupKind.Need)
                {
                    return lookup;
                }
                var node = level == 0
                    ? NewLeaf(index, newPageCount, version, batch, previous, seed)
                    : NewInner(database, level, index, newPageCount, version, touched[level - 1], carriers[level - 1], previous);
                if (level == top)
                {
                    node = node.AsRoot(newPageCount);
                }
                carriers[level][t] = CarrierOf(batch, level, index);
                nodes.Add(node);
            }
        }
        plan = new MapCommitPlan(version, nodes, Sections(database, nodes, touched, carriers, PageFormat.MaxMapBytes(_pageSize)));
        return MapLookup.Found(0);
    }

    /// <summary>
    /// <see cref="Plan(string, long, long, long, IReadOnlyList{long}, long[], out MapCommitPlan)"/> for a commit on <paramref name="reader"/>'s version that keeps its page
    /// count, reading with <paramref name="reader"/>, on this thread, the old nodes it lacks.
    /// </summary>
    /// <returns>The plan; null when the version has no map and no <paramref name="seed"/> is given.</returns>
    internal MapCommitPlan? PlanReading(string database, IPageStoreReader reader, IReadOnlyList<long> batch, long[]? seed)
    {
        var read = new HashSet<long>();
        byte[]? stored = null;
        byte[]? scratch = null;
        while (true)
        {
            var lookup = Plan(database, reader.Version, reader.PageCount, reader.PageCount, batch, seed, out var plan);
            if (lookup.Kind != MapLookupKind.Need)
            {
                return plan;
            }
            if (!read.Add(lookup.Carrier))
            {
                throw CarrierPutBack(database, lookup, carrierWritten: null, reader.Version);
            }
            stored ??= new byte[_codec.MaxEncodedSize(_pageSize)];
            scratch ??= new byte[_pageSize];
            var length = reader.ReadPage(lookup.Carrier, stored);
            if (length > 0)
            {
                DecodeAndLearn(database, new PageAddress(reader.Lineage.DatabaseId, lookup.Carrier, reader.Version), stored.AsSpan(0, length), scratch);
            }
        }
    }

    /// <summary>True when the value of page 0 read at <paramref name="version"/> carried no map (a database being encrypted).</summary>
    internal bool IsUnmapped(long version)
    {
        lock (_gate)
        {
            return _unmapped.Contains(version);
        }
    }

    /// <summary>Learns the nodes of a plan whose commit the store applied at <see cref="MapCommitPlan.Version"/>.</summary>
    internal void Apply(MapCommitPlan plan)
    {
        lock (_gate)
        {
            foreach (var node in plan.Nodes)
            {
                if (node.IsRoot)
                {
                    AddRootLocked(plan.Version, node);
                }
                AddNodeLocked(node.Level, node.Index, plan.Version, node);
            }
        }
    }

    /// <summary>
    /// The nodes a commit rewrites, per level: the leaves of the pages it writes and their
    /// ancestors (page 0 makes that the whole left edge), and, when the page count changes, the
    /// nodes whose range it cuts or extends.
    /// </summary>
    private static List<long>[] Touched(IReadOnlyList<long> batch, long oldPageCount, long newPageCount, int top, bool rewriteAll)
    {
        var touched = new List<long>[top + 1];
        for (var level = 0; level <= top; level++)
        {
            var count = VersionMapNodes.Nodes(newPageCount, level);
            var set = touched[level] = new List<long>(rewriteAll ? (int)count : 4);
            if (rewriteAll)
            {
                for (long i = 0; i < count; i++)
                {
                    set.Add(i);
                }
                continue;
            }
            if (level == 0)
            {
                foreach (var page in batch) // ascending, so their leaves are too
                {
                    AddAscending(set, VersionMapNodes.NodeOf(page, 0));
                }
                for (var i = VersionMapNodes.NodeOf(Math.Min(oldPageCount, newPageCount - 1), 0); oldPageCount != newPageCount && i < count; i++)
                {
                    Add(set, i);
                }
            }
            else
            {
                foreach (var child in touched[level - 1])
                {
                    AddAscending(set, child >> 5);
                }
                if (oldPageCount != newPageCount)
                {
                    Add(set, count - 1);
                }
            }
        }
        return touched;
    }

    /// <summary>Adds to a sorted list of distinct values a value no smaller than its last.</summary>
    private static void AddAscending(List<long> sorted, long value)
    {
        if (sorted.Count == 0 || sorted[^1] < value)
        {
            sorted.Add(value);
        }
        else if (sorted[^1] != value)
        {
            Add(sorted, value);
        }
    }

    /// <summary>Adds to a sorted list of distinct values.</summary>
    private static void Add(List<long> sorted, long value)
    {
        var at = LowerBound(sorted, value);
        if (at == sorted.Count || sorted[at] != value)
        {
            sorted.Insert(at, value);
        }
    }

    /// <summary>Node (<paramref name="level"/>, <paramref name="index"/>) of the map being replaced, or null when it had none.</summary>
    private MapLookup OldNode(MapNode? root, int top, int level, long index, out MapNode? node)
    {
        node = null;
        if (root is null || level > top)
        {
            return MapLookup.Found(0);
        }
        if (level == top)
        {
            node = index == 0 ? root : null;
            return MapLookup.Found(0);
        }
        var lookup = OldNode(root, top, level + 1, index >> 5, out var parent); // a few levels: walked again per node rather than remembered
        if (lookup.Kind == MapLookupKind.Need || parent is null)
        {
            return lookup;
        }
        var j = (int)(index - (parent.Index << 5));
        if (j < parent.Count)
        {
            lock (_gate)
            {
                if (!TryGetNodeLocked(level, index, parent.Versions[j], out node))
                {
                    return MapLookup.Need(parent.Carriers[j], level, index, parent.Versions[j]);
                }
            }
        }
        return MapLookup.Found(0);
    }

    private static MapNode NewLeaf(long index, long pageCount, long version, IReadOnlyList<long> batch, MapNode? previous, long[]? seed)
    {
        var written = new long[VersionMapNodes.Entries(pageCount, 0, index)];
        var first = VersionMapNodes.FirstPage(0, index);
        for (var j = 0; j < written.Length; j++)
        {
            var page = first + j;
            written[j] = Contains(batch, page) ? version
                : previous is not null && j < previous.Count ? previous.Written[j]
                : seed is not null && page < seed.Length ? seed[page]
                : 0; // a page past the old end that this commit did not write reads as zeros
        }
        return MapNode.Leaf(index, written);
    }

    private static MapNode NewInner(string database, int level, long index, long pageCount, long version, List<long> touchedBelow,
        uint[] carriersBelow, MapNode? previous)
    {
        var count = VersionMapNodes.Entries(pageCount, level, index);
        var pages = new uint[count];
        var versions = new long[count];
        for (var j = 0; j < count; j++)
        {
            var child = (index << 5) + j;
            var at = LowerBound(touchedBelow, child);
            if (at < touchedBelow.Count && touchedBelow[at] == child)
            {
                (pages[j], versions[j]) = (carriersBelow[at], version);
            }
            else if (previous is not null && j < previous.Count)
            {
                (pages[j], versions[j]) = (previous.Carriers[j], previous.Versions[j]);
            }
            else
            {
                throw new InvalidOperationException($"Folio database '{database}': the version map's level-{level - 1} node {child} is neither rewritten nor known");
            }
        }
        return MapNode.Inner(level, index, pages, versions);
    }

    /// <summary>The first page of the batch in the node's range: the page whose value carries the node.</summary>
    private static uint CarrierOf(IReadOnlyList<long> batch, int level, long index)
    {
        var (low, high) = (VersionMapNodes.FirstPage(level, index), VersionMapNodes.FirstPage(level, index + 1));
        var at = LowerBound(batch, low);
        // A node travels in a page of its own range: rewriting that page later rewrites the node too.
        return at < batch.Count && batch[at] < high
            ? checked((uint)batch[at])
            : throw new InvalidOperationException($"the commit writes no page of the version map's level-{level} node {index}, which it changes");
    }

    /// <summary>The map section of each page that carries nodes: its nodes back to back, in the plan's order (leaves first).</summary>
    private static Dictionary<long, byte[]> Sections(string database, List<MapNode> nodes, List<long>[] touched, uint[][] carriers, int maxBytes)
    {
        // Few pages carry nodes (page 0, one per region written): a list beats a map here.
        var sizes = new List<(uint Carrier, int Size)>();
        var n = 0;
        for (var level = 0; level < touched.Length; level++)
        {
            for (var t = 0; t < touched[level].Count; t++, n++)
            {
                var carrier = carriers[level][t];
                var at = IndexOf(sizes, carrier);
                if (at < 0)
                {
                    sizes.Add((carrier, nodes[n].EncodedSize));
                }
                else
                {
                    sizes[at] = (carrier, sizes[at].Size + nodes[n].EncodedSize);
                }
            }
        }
        var sections = new Dictionary<long, byte[]>(sizes.Count);
        var filled = new int[sizes.Count];
        foreach (var (carrier, size) in sizes)
        {
            if (size > maxBytes)
            {
                throw new InvalidOperationException(
                    $"Folio database '{database}': page {carrier} would carry {size} bytes of the version map, more than the {maxBytes} a value holds; a database this large needs a larger page size");
            }
            sections[carrier] = new byte[size];
        }
        n = 0;
        for (var level = 0; level < touched.Length; level++)
        {
            for (var t = 0; t < touched[level].Count; t++, n++)
            {
                var carrier = carriers[level][t];
                var at = IndexOf(sizes, carrier);
                filled[at] += VersionMapNodes.Write(nodes[n], sections[carrier].AsSpan(filled[at]));
            }
        }
        return sections;
    }

    private static int IndexOf(List<(uint Carrier, int Size)> sizes, uint carrier)
    {
        for (var i = 0; i < sizes.Count; i++)
        {
            if (sizes[i].Carrier == carrier)
            {
                return i;
            }
        }
        return -1;
    }

    private static bool Contains(IReadOnlyList<long> sorted, long value)
    {
        var at = LowerBound(sorted, value);
        return at < sorted.Count && sorted[at] == value;
    }

    private static int LowerBound(IReadOnlyList<long> sorted, long value)
    {
        var (low, high) = (0, sorted.Count);
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (sorted[middle] < value)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }
        return low;
    }
}

/// <summary>The map of one commit: the nodes it rewrites, and the section each written page carries.</summary>
/// <param name="Version">The version the commit makes.</param>
/// <param name="Nodes">The rewritten nodes, the root last.</param>
/// <param name="Sections">For each page that carries nodes, its map section.</param>
internal sealed record MapCommitPlan(long Version, List<MapNode> Nodes, Dictionary<long, byte[]> Sections)
{
    /// <summary>The section page <paramref name="page"/> carries (empty when none).</summary>
    public ReadOnlySpan<byte> SectionOf(long page) => Sections.TryGetValue(page, out var section) ? section : default;
}
