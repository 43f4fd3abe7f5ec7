using System.Buffers.Binary;

namespace Folio.Storage;

/// <summary>
/// One batch of <see cref="PageRekey"/>, at one version: the pages it reads and checks, the ones
/// it rewrites, and their new values with the version-map nodes the batch changes.
/// </summary>
/// <remarks>
/// With an encrypting codec every batch also rewrites page 0, which carries the map's root. A
/// version whose page 0 carries no map (a database encrypted, or being encrypted, before the map
/// existed) is given the whole map at once: its batch rewrites the first page of every leaf as
/// well, and the map starts from the writing versions the values' headers record.
/// </remarks>
internal sealed class RekeyBatch
{
    private const int ReadChunk = 256;

    private readonly IPageStore _store;
    private readonly IPageStoreReader _reader;
    private readonly PageCodec _reading;
    private readonly PageVersionMap? _map;
    private readonly int _slot;
    private readonly SortedDictionary<long, byte[]> _pages = new();
    private bool _asked; // a page the batch rewrites for its own sake, not only for the map
    private int _moved;
    private MapCommitPlan? _plan;

    public RekeyBatch(IPageStore store, IPageStoreReader reader, PageCodec reading, PageVersionMap? map)
    {
        (_store, _reader, _reading, _map) = (store, reader, reading, map);
        _slot = reading.MaxEncodedSize(store.PageSize);
        if (map is not null && reader.PageCount > 0)
        {
            var stored = new byte[_slot];
            var length = reader.ReadPage(0, stored);
            if (length > 0)
            {
                map.DecodeAndLearn(store.Name, Address(0), stored.AsSpan(0, length), new byte[store.PageSize]);
            }
            WritesWholeMap = map.IsUnmapped(reader.Version);
        }
    }

    public StoreLineage Lineage => _reader.Lineage;

    /// <summary>True when the version has no map: this batch writes all of it.</summary>
    public bool WritesWholeMap { get; }

    /// <summary>The values to commit, ascending.</summary>
    public List<StorePage> Batch { get; } = [];

    /// <summary>How many pages the batch moves to the current key (or, with all, rewrites for their own sake): page 0 rewritten again only for the map is not counted.</summary>
    public int Rewritten { get; private set; }

    /// <summary>
    /// Reads pages <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/>
    /// (with page 0 and, for a whole map, every leaf's first page), checks each, and keeps those
    /// to rewrite: those not under <paramref name="currentKey"/> (with <paramref name="all"/>, every
    /// one of the range), and the ones the map needs.
    /// </summary>
    public void Read(long first, int count, bool all, uint? currentKey)
    {
        var numbers = new SortedSet<long>();
        for (var i = 0; i < count; i++)
        {
            numbers.Add(first + i);
        }
        if (_map is not null && _reader.PageCount > 0)
        {
            numbers.Add(0);
            for (long leaf = 0; WritesWholeMap && leaf < _reader.PageCount; leaf += VersionMapNodes.Fanout)
            {
                numbers.Add(leaf);
            }
        }
        var reads = numbers.ToArray();
        var buffer = new byte[_slot * Math.Min(ReadChunk, Math.Max(reads.Length, 1))];
        var lengths = new int[ReadChunk];
        for (var at = 0; at < reads.Length; at += ReadChunk)
        {
            var chunk = reads.AsSpan(at, Math.Min(ReadChunk, reads.Length - at));
            _reader.ReadPages(chunk, buffer, _slot, lengths);
            for (var i = 0; i < chunk.Length; i++)
            {
                var number = chunk[i];
                var stored = buffer.AsSpan(i * _slot, lengths[i]);
                var page = new byte[_store.PageSize];
                var inRange = number >= first && number < first + count;
                if (lengths[i] == 0)
                {
                    if (_map is not null && !WritesWholeMap)
                    {
                        _map.CheckAbsent(_store.Name, _reader, number);
                    }
                }
                else if (_map is not null)
                {
                    var written = _map.DecodeAndLearn(_store.Name, Address(number), stored, page);
                    if (!WritesWholeMap)
                    {
                        _map.Check(_store.Name, _reader, number, written);
                    }
                }
                else
                {
                    _reading.Decode(_store.Name, Address(number), stored, page);
                }
                var moves = lengths[i] > 0 && !PageRekey.UnderKey(stored, currentKey);
                var asked = inRange && lengths[i] > 0 && (all || moves);
                _asked |= asked;
                if (asked || (_map is not null && (number == 0 || WritesWholeMap)))
                {
                    _pages[number] = page;
                    _moved += asked || moves ? 1 : 0;
                }
            }
        }
    }

    /// <summary>Encodes the pages to rewrite for the next version, each with the map nodes it carries; nothing when only the map's own pages would be written.</summary>
    public void Encode(PageCodec codec)
    {
        if (_pages.Count == 0 || (!_asked && !WritesWholeMap))
        {
            return;
        }
        if (_map is not null)
        {
            _plan = _map.PlanReading(_store.Name, _reader, _pages.Keys.ToList(), WritesWholeMap ? WrittenVersions() : null);
        }
        foreach (var (number, page) in _pages)
        {
            var encoded = new byte[codec.MaxEncodedSize(_store.PageSize)];
            var address = new PageAddress(Lineage.DatabaseId, number, _reader.Version + 1);
            var length = _plan is null ? codec.Encode(address, page, encoded) : codec.Encode(address, page, _plan.SectionOf(number), encoded);
            Batch.Add(new StorePage(number, encoded.AsMemory(0, length)));
        }
        Rewritten = _moved;
    }

    /// <summary>The store applied the batch: the map learns the nodes it wrote.</summary>
    public void Committed()
    {
        if (_plan is not null)
        {
            _map!.Apply(_plan);
        }
    }

    private PageAddress Address(long number) => new(_reader.Lineage.DatabaseId, number, _reader.Version);

    /// <summary>Every page's writing version as its value's header records it (0 for a format without one, or no value): where a whole new map starts.</summary>
    private long[] WrittenVersions()
    {
        var written = new long[_reader.PageCount];
        var buffer = new byte[_slot * ReadChunk];
        var lengths = new int[ReadChunk];
        var numbers = new long[ReadChunk];
        for (long first = 0; first < written.Length; first += ReadChunk)
        {
            var count = (int)Math.Min(ReadChunk, written.Length - first);
            for (var i = 0; i < count; i++)
            {
                numbers[i] = first + i;
            }
            _reader.ReadPages(numbers.AsSpan(0, count), buffer, _slot, lengths);
            for (var i = 0; i < count; i++)
            {
                var stored = buffer.AsSpan(i * _slot, lengths[i]);
                written[first + i] = stored.Length >= 16 && stored[0] == 'F' && stored[1] == 'P' && stored[2] == PageFormat.Format
                    ? BinaryPrimitives.ReadInt64LittleEndian(stored[8..])
                    : 0;
            }
        }
        return written;
    }
}
