namespace Folio.Storage;

/// <summary>
/// What one process knows of an encrypted database's authenticated version map, and the checks
/// made with it: every page a read decodes must be the last write of that page at the read's
/// version, so an older authentic copy put back in the store is refused by any reader, a process
/// that never saw the newer write included.
/// </summary>
/// <remarks>
/// <para>The map is a tree (<see cref="VersionMapNodes"/>) whose leaves record, per page, the
/// version whose commit last wrote it. Its nodes travel inside the encrypted values of pages the
/// same commit writes (the codec binds them with the page, <see cref="IPageCodec.CarriesVersionMap"/>):
/// page 0, which every commit rewrites, carries the root, the page count and the nodes on the
/// map's left edge; each other node is carried by the first page of its range that the commit
/// wrote, or by page 0. A parent records which page carries each child and the version that wrote
/// it, so a reader walks from the root to a page's leaf, reading a carrier only when it does not
/// know that node yet.</para>
/// <para>What it cannot see: a consistent rollback of the whole store (every value and the
/// version together) to an earlier state, and pages a process serves from its own cache while
/// the store hides that they changed. docs/security.md says so.</para>
/// </remarks>
public sealed partial class PageVersionMap
{
    private const int MaxRoots = 64;
    private const int VersionsPerNode = 4;
    private const int MaxNodes = 65536;
    private const int MaxSteps = 16;

    private readonly IPageCodec _codec;
    private readonly int _pageSize;
    private readonly bool _requireMap;
    private readonly Lock _gate = new();
    // The roots of the last versions seen (reads pin recent versions), kept as a node's versions are.
    private readonly NodeVersions _roots = new(MaxRoots);

    // Per node of the tree, its last few versions: one small entry per node keeps the table as
    // large as the map (not as its history), so a commit's lookups stay in a few cache lines.
    private readonly Dictionary<(int Level, long Index), NodeVersions> _nodes = new();
    private readonly HashSet<long> _unmapped = new();

    /// <summary>Creates an empty map for a database read and written with <paramref name="codec"/>.</summary>
    /// <param name="codec">The database's codec; it must carry the map (<see cref="IPageCodec.CarriesVersionMap"/>).</param>
    /// <param name="pageSize">The database's page size.</param>
    /// <exception cref="ArgumentException">The codec carries no version map.</exception>
    public PageVersionMap(IPageCodec codec, int pageSize)
    {
        ArgumentNullException.ThrowIfNull(codec);
        if (!codec.CarriesVersionMap)
        {
            throw new ArgumentException("The codec carries no version map (only an encrypting PageCodec does).", nameof(codec));
        }
        _codec = codec;
        _pageSize = pageSize;
        // While folio rekey encrypts an existing database, its pages (page 0 included) may not carry a map yet.
        _requireMap = codec is not PageCodec { AcceptUnencryptedPages: true };
    }

    /// <summary>
    /// Decodes page <paramref name="number"/> of <paramref name="reader"/>'s version, learns the
    /// map nodes it carries, and checks that it is the page's last write at that version, reading
    /// from <paramref name="reader"/> whatever part of the map it does not know yet.
    /// </summary>
    /// <returns>The version that wrote the value.</returns>
    /// <exception cref="PageCorruptException">The value fails a codec check, or is not the page's last write.</exception>
    public long Decode(string database, IPageStoreReader reader, long number, ReadOnlySpan<byte> stored, Span<byte> page)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var written = DecodeAndLearn(database, new PageAddress(reader.Lineage.DatabaseId, number, reader.Version), stored, page);
        Check(database, reader, number, written);
        return written;
    }

    /// <summary>Checks that page <paramref name="number"/>, which has no value in the store, was never written.</summary>
    /// <exception cref="PageCorruptException">The map says a commit wrote it: its value was deleted.</exception>
    public void CheckAbsent(string database, IPageStoreReader reader, long number)
    {
        ArgumentNullException.ThrowIfNull(reader);
        Check(database, reader, number, written: 0);
    }

    /// <summary>
    /// True unless the codec reads pages of a database still being encrypted: then every version
    /// is checked against the map, which says more than any record of the writes one process saw.
    /// </summary>
    internal bool Required => _requireMap;

    /// <summary>Decodes a value and learns the nodes it carries; checks nothing against the map.</summary>
    internal long DecodeAndLearn(string database, PageAddress address, ReadOnlySpan<byte> stored, Span<byte> page)
    {
        var written = _codec.Decode(database, address, stored, page, out var section);
        Learn(database, address.PageNumber, section is null && address.PageNumber == 0 ? address.Version : written, section);
        return written;
    }

    /// <summary>Learns the nodes of a value of page <paramref name="number"/> written at <paramref name="written"/> (for a page 0 with no map: the version read).</summary>
    internal void Learn(string database, long number, long written, byte[]? section)
    {
        if (section is null)
        {
            if (number != 0)
            {
                return;
            }
            if (_requireMap)
            {
                throw new PageCorruptException(database, 0, PageCheck.Version,
                    $"page 0 at version {written} carries no version map, which every commit of an encrypted database writes; a database encrypted before Folio kept one gets it from 'folio rekey'");
            }
            lock (_gate)
            {
                _unmapped.Add(written);
            }
            return;
        }
        var nodes = VersionMapNodes.Read(database, number, section);
        lock (_gate)
        {
            foreach (var node in nodes)
            {
                if (node.IsRoot)
                {
                    if (number != 0)
                    {
                        throw new PageCorruptException(database, number, PageCheck.Header, "it carries a version map root, which only page 0 carries");
                    }
                    AddRootLocked(written, node);
                }
                AddNodeLocked(node.Level, node.Index, written, node);
            }
        }
    }

    /// <summary>Forgets everything (the history changed: a new lineage starts its versions afresh).</summary>
    internal void Clear()
    {
        lock (_gate)
        {
            _roots.Clear();
            _nodes.Clear();
            _unmapped.Clear();
        }
    }

    /// <summary>
    /// What the map at <paramref name="pinned"/> says of page <paramref name="number"/>: the version
    /// that last wrote it, or the page to read first (page 0 for the root, else a node's carrier).
    /// </summary>
    internal MapLookup Resolve(string database, long pinned, long pageCount, long number)
    {
        lock (_gate)
        {
            if (!TryGetRootLocked(pinned, out var node))
            {
                return _unmapped.Contains(pinned) ? MapLookup.Unchecked : MapLookup.Need(0, -1, 0, pinned);
            }
            if (node.PageCount != pageCount)
            {
                throw new PageCorruptException(database, number, PageCheck.Version,
                    $"the store says the database has {pageCount} pages at version {pinned}, but the version map's root (page 0) says {node.PageCount}: pages were cut off or added behind Folio's back");
            }
            while (node.Level > 0)
            {
                var child = VersionMapNodes.NodeOf(number, node.Level - 1);
                var j = Entry(database, number, node, child - (node.Index << 5));
                if (!TryGetNodeLocked(node.Level - 1, child, node.Versions[j], out var next))
                {
                    return MapLookup.Need(node.Carriers[j], node.Level - 1, child, node.Versions[j]);
                }
                node = next;
            }
            return MapLookup.Found(node.Written[Entry(database, number, node, number - (node.Index << 5))]);
        }
    }

    /// <summary>Entry <paramref name="j"/> of a node on page <paramref name="number"/>'s path, which must have it (the root's page count says so).</summary>
    private static int Entry(string database, long number, MapNode node, long j) =>
        j >= 0 && j < node.Count ? (int)j
            : throw new PageCorruptException(database, number, PageCheck.Header,
                $"the version map's level-{node.Level} node {node.Index} has {node.Count} entries, and the page needs entry {j}");

    private void AddRootLocked(long version, MapNode root) => _roots.Add(version, root);

    private bool TryGetRootLocked(long version, out MapNode root) => _roots.TryGet(version, out root);

    private void AddNodeLocked(int level, long index, long version, MapNode node)
    {
        if (!_nodes.TryGetValue((level, index), out var versions))
        {
            if (_nodes.Count >= MaxNodes)
            {
                _nodes.Clear(); // a map larger than this is read again as needed
            }
            _nodes[(level, index)] = versions = new NodeVersions(VersionsPerNode);
        }
        versions.Add(version, node);
    }

    private bool TryGetNodeLocked(int level, long index, long version, out MapNode node)
    {
        if (_nodes.TryGetValue((level, index), out var versions) && versions.TryGet(version, out node))
        {
            return true;
        }
        node = null!;
        return false;
    }

    /// <summary>The last few versions of one node (or of the root); a new one replaces the oldest.</summary>
    private sealed class NodeVersions(int capacity)
    {
        private readonly long[] _versions = new long[capacity];
        private readonly MapNode?[] _nodes = new MapNode?[capacity];

        public void Add(long version, MapNode node)
        {
            var slot = 0; // an empty slot, else the oldest version's
            for (var i = 0; i < _nodes.Length; i++)
            {
                if (_versions[i] == version && _nodes[i] is not null)
                {
                    return;
                }
                if (_nodes[slot] is not null && (_nodes[i] is null || _versions[i] < _versions[slot]))
                {
                    slot = i;
                }
            }
            (_versions[slot], _nodes[slot]) = (version, node);
        }

        public bool TryGet(long version, out MapNode node)
        {
            for (var i = 0; i < _nodes.Length; i++)
            {
                if (_versions[i] == version && _nodes[i] is { } found)
                {
                    node = found;
                    return true;
                }
            }
            node = null!;
            return false;
        }

        public void Clear()
        {
            Array.Clear(_versions);
            Array.Clear(_nodes);
        }
    }
}

/// <summary>What <see cref="PageVersionMap.Resolve"/> found.</summary>
internal readonly record struct MapLookup(MapLookupKind Kind, long Written, long Carrier, int Level, long Index, long Version)
{
    public static MapLookup Unchecked => new(MapLookupKind.Unchecked, 0, 0, 0, 0, 0);

    public static MapLookup Found(long written) => new(MapLookupKind.Found, written, 0, 0, 0, 0);

    /// <summary>Page <paramref name="carrier"/> must be read: it carries node (<paramref name="level"/>, <paramref name="index"/>) written at <paramref name="version"/> (level -1: the root).</summary>
    public static MapLookup Need(long carrier, int level, long index, long version) => new(MapLookupKind.Need, 0, carrier, level, index, version);
}

/// <summary>The kinds of <see cref="MapLookup"/>.</summary>
internal enum MapLookupKind
{
    /// <summary>The map says which version last wrote the page.</summary>
    Found,

    /// <summary>A page must be read first.</summary>
    Need,

    /// <summary>The version has no map (only while <c>folio rekey</c> encrypts an existing database).</summary>
    Unchecked,
}
