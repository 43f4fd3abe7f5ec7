using System.Buffers.Binary;

namespace Folio.Storage;

/// <summary>
/// One node of a database's version map (see <see cref="PageVersionMap"/>), as a value carries it.
/// A leaf (level 0) holds, for each of up to <see cref="VersionMapNodes.Fanout"/> consecutive
/// pages, the version whose commit last wrote it (0: never written, the page reads as zeros). A
/// node above holds, for each of its children, the page whose value carries the child and the
/// version that wrote it. The root (the one node of the top level) also holds the page count, and
/// page 0 always carries it.
/// </summary>
internal sealed class MapNode
{
    private MapNode(int level, long index, long pageCount, long[] written, uint[] carriers, long[] versions)
    {
        Level = level;
        Index = index;
        PageCount = pageCount;
        Written = written;
        Carriers = carriers;
        Versions = versions;
    }

    /// <summary>0 for a leaf.</summary>
    public int Level { get; }

    /// <summary>The node's position in its level.</summary>
    public long Index { get; }

    /// <summary>The page count, on the root; -1 on any other node.</summary>
    public long PageCount { get; }

    public bool IsRoot => PageCount >= 0;

    /// <summary>A leaf's pages' writing versions.</summary>
    public long[] Written { get; }

    /// <summary>An inner node's children's carrier pages.</summary>
    public uint[] Carriers { get; }

    /// <summary>An inner node's children's writing versions.</summary>
    public long[] Versions { get; }

    public int Count => Level == 0 ? Written.Length : Versions.Length;

    public static MapNode Leaf(long index, long[] written, long pageCount = -1) => new(0, index, pageCount, written, [], []);

    public static MapNode Inner(int level, long index, uint[] carriers, long[] versions, long pageCount = -1) =>
        new(level, index, pageCount, [], carriers, versions);

    /// <summary>The same node marked as the root of a map of <paramref name="pageCount"/> pages.</summary>
    public MapNode AsRoot(long pageCount) => new(Level, Index, pageCount, Written, Carriers, Versions);

    /// <summary>Its size as <see cref="VersionMapNodes.Write"/> writes it.</summary>
    public int EncodedSize => VersionMapNodes.NodeHeaderSize + (IsRoot ? 8 : 0) + (Level == 0 ? 8 * Count : 12 * Count);
}

/// <summary>
/// The shape of a version map and the bytes of its nodes. The map is a tree of fan-out
/// <see cref="Fanout"/>: leaf <c>i</c> covers pages <c>32i .. 32i+31</c>, node <c>i</c> of level
/// <c>k</c> covers nodes <c>32i .. 32i+31</c> of level <c>k - 1</c>, and the top level has one
/// node, the root. A database of up to 32 pages has a single leaf as its root.
/// </summary>
/// <remarks>
/// Node layout (little-endian): flags (bit 0: root), level, index (4 bytes), count (2 bytes),
/// the page count (8 bytes, root only), then count entries: a leaf's are 8-byte versions, an inner
/// node's a 4-byte carrier page and an 8-byte version. A value's map section is nodes back to back.
/// </remarks>
internal static class VersionMapNodes
{
    public const int Fanout = 32;
    private const int FanoutBits = 5;
    public const int NodeHeaderSize = 8;
    private const int MaxLevel = 8; // 32^9 pages is far beyond SQLite's 2^32

    /// <summary>The level of the root of a map of <paramref name="pageCount"/> (at least 1) pages.</summary>
    public static int TopLevel(long pageCount)
    {
        var level = 0;
        for (var nodes = Nodes(pageCount, 0); nodes > 1; nodes = (nodes + Fanout - 1) >> FanoutBits)
        {
            level++;
        }
        return level;
    }

    /// <summary>How many nodes level <paramref name="level"/> has in a map of <paramref name="pageCount"/> pages.</summary>
    public static long Nodes(long pageCount, int level)
    {
        var nodes = (pageCount + Fanout - 1) >> FanoutBits;
        for (var k = 0; k < level; k++)
        {
            nodes = (nodes + Fanout - 1) >> FanoutBits;
        }
        return nodes;
    }

    /// <summary>The index of the level-<paramref name="level"/> node that covers <paramref name="page"/>.</summary>
    public static long NodeOf(long page, int level) => page >> (FanoutBits * (level + 1));

    /// <summary>The first page node <paramref name="index"/> of level <paramref name="level"/> covers.</summary>
    public static long FirstPage(int level, long index) => index << (FanoutBits * (level + 1));

    /// <summary>How many entries node <paramref name="index"/> of level <paramref name="level"/> holds in a map of <paramref name="pageCount"/> pages.</summary>
    public static int Entries(long pageCount, int level, long index)
    {
        var below = level == 0 ? pageCount : Nodes(pageCount, level - 1);
        return (int)Math.Min(Fanout, below - (index << FanoutBits));
    }

    /// <summary>Writes <paramref name="node"/>; returns the bytes written.</summary>
    public static int Write(MapNode node, Span<byte> destination)
    {
        destination[0] = node.IsRoot ? (byte)1 : (byte)0;
        destination[1] = (byte)node.Level;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[2..], checked((uint)node.Index));
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], (ushort)node.Count);
        var at = NodeHeaderSize;
        if (node.IsRoot)
        {
            BinaryPrimitives.WriteInt64LittleEndian(destination[at..], node.PageCount);
            at += 8;
        }
        for (var j = 0; j < node.Count; j++)
        {
            if (node.Level == 0)
            {
                BinaryPrimitives.WriteInt64LittleEndian(destination[at..], node.Written[j]);
                at += 8;
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(destination[at..], node.Carriers[j]);
                BinaryPrimitives.WriteInt64LittleEndian(destination[(at + 4)..], node.Versions[j]);
                at += 12;
            }
        }
        return at;
    }

    /// <summary>Reads the nodes of a value's map section.</summary>
    /// <exception cref="PageCorruptException">The section is malformed (it was authenticated, so only a bug writes one).</exception>
    public static List<MapNode> Read(string database, long page, ReadOnlySpan<byte> section)
    {
        var nodes = new List<MapNode>(2);
        while (!section.IsEmpty)
        {
            if (section.Length < NodeHeaderSize || section[0] > 1 || section[1] > MaxLevel)
            {
                throw Malformed(database, page, "a node header is cut short or out of range");
            }
            var (root, level) = (section[0] == 1, section[1]);
            var index = BinaryPrimitives.ReadUInt32LittleEndian(section[2..]);
            int count = BinaryPrimitives.ReadUInt16LittleEndian(section[6..]);
            var size = NodeHeaderSize + (root ? 8 : 0) + count * (level == 0 ? 8 : 12);
            if (count is < 1 or > Fanout || section.Length < size)
            {
                throw Malformed(database, page, $"a node of {count} entries does not fit the {section.Length} bytes left");
            }
            var at = NodeHeaderSize;
            var pageCount = -1L;
            if (root)
            {
                pageCount = BinaryPrimitives.ReadInt64LittleEndian(section[at..]);
                at += 8;
            }
            if (level == 0)
            {
                var written = new long[count];
                for (var j = 0; j < count; j++, at += 8)
                {
                    written[j] = BinaryPrimitives.ReadInt64LittleEndian(section[at..]);
                }
                nodes.Add(MapNode.Leaf(index, written, pageCount));
            }
            else
            {
                var carriers = new uint[count];
                var versions = new long[count];
                for (var j = 0; j < count; j++, at += 12)
                {
                    carriers[j] = BinaryPrimitives.ReadUInt32LittleEndian(section[at..]);
                    versions[j] = BinaryPrimitives.ReadInt64LittleEndian(section[(at + 4)..]);
                }
                nodes.Add(MapNode.Inner(level, index, carriers, versions, pageCount));
            }
            section = section[size..];
        }
        return nodes;
    }

    private static PageCorruptException Malformed(string database, long page, string detail) =>
        new(database, page, PageCheck.Header, $"the version map section it carries is malformed: {detail}");
}
