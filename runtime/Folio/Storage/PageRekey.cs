using System.Buffers.Binary;

namespace Folio.Storage;

/// <summary>
/// Rewrites the pages of a database under a codec's current key (and compression), a bounded
/// batch at a time, through the store's own compare-and-set commits: <c>folio rekey</c>.
/// </summary>
/// <remarks>
/// <para>Each batch reads its pages at the store's current version, decodes and checks every one,
/// re-encodes it for the next version and commits the batch as one ordinary commit expecting that
/// version. A writer that committed in between makes the commit fail with a conflict, and the batch
/// is read again: a rekey never overwrites a newer write, and writers keep going (a writer that
/// loses to a rekey batch retries like after any other writer). Page contents never change, so
/// readers' caches stay right.</para>
/// <para>A crash (even SIGKILL) between or during batches leaves every page either under its old
/// key or under the new one, both readable while the key provider has both keys; running the
/// rekey again finishes the job, skipping pages already under the current key.</para>
/// </remarks>
public static class PageRekey
{
    private const int MaxConsecutiveConflicts = 200;

    /// <summary>What a rekey did.</summary>
    /// <param name="Pages">Pages examined.</param>
    /// <param name="Rewritten">Pages rewritten under the current key.</param>
    /// <param name="Batches">Batches committed.</param>
    /// <param name="Conflicts">Batches read again because another writer committed first.</param>
    /// <param name="Version">The store's version after the last batch.</param>
    public readonly record struct Result(long Pages, long Rewritten, int Batches, int Conflicts, long Version);

    /// <summary>
    /// Rewrites every page of <paramref name="store"/> not yet under <paramref name="codec"/>'s
    /// current key (every page that is not encrypted, or under another key; with
    /// <paramref name="all"/>, every page), <paramref name="batchPages"/> pages per commit.
    /// </summary>
    /// <param name="store">The store; other processes may use it meanwhile.</param>
    /// <param name="codec">The codec to write with; its key provider must hold every key the pages use. Plain pages are accepted (this is how a database becomes encrypted).</param>
    /// <param name="batchPages">Pages per commit, 1 to 65536.</param>
    /// <param name="all">Rewrite pages already under the current key too (to change the compression).</param>
    /// <param name="progress">Called after each batch with (pages done, page count).</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    /// <exception cref="PageCorruptException">A page fails its checks (wrong or missing key, tampering): nothing of that batch is written.</exception>
    /// <exception cref="InvalidOperationException">The codec's current key is missing.</exception>
    public static Result Run(IPageStore store, PageCodec codec, int batchPages = 256, bool all = false,
        Action<long, long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(codec);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchPages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(batchPages, 65536);
        codec.CheckCurrentKey(store.Name);
        var reading = new PageCodec(codec.Compression, codec.Keys) { AcceptUnencryptedPages = true };
        // An encrypting codec writes the version map with every batch (page 0 and the nodes the
        // batch changes); a database encrypted before there was a map gets all of it with the first batch.
        var map = codec.CarriesVersionMap ? new PageVersionMap(reading, store.PageSize) : null;
        long rewritten = 0;
        var batches = 0;
        var conflicts = 0;
        var consecutive = 0;
        long next = 0;
        long pageCount;
        long version;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            RekeyBatch work;
            using (var reader = store.BeginRead(0))
            {
                (version, pageCount) = (reader.Version, reader.PageCount);
                work = new RekeyBatch(store, reader, reading, map);
                if (next >= pageCount && !work.WritesWholeMap)
                {
                    break;
                }
                work.Read(next, (int)Math.Min(batchPages, Math.Max(0, pageCount - next)), all, codec.Keys?.CurrentKeyId);
                work.Encode(codec);
            }
            if (work.Batch.Count > 0)
            {
                try
                {
                    version = store.Commit(new StoreCommit(work.Lineage, version, pageCount, work.Batch));
                }
                catch (StoreConflictException e)
                {
                    conflicts++;
                    if (++consecutive > MaxConsecutiveConflicts)
                    {
                        throw new StoreConflictException(store.Name,
                            $"Folio database '{store.Name}': the rekey lost {MaxConsecutiveConflicts} commits in a row to other writers at page {next}; pages before it are rekeyed, run it again (or with a smaller batch). Last: {e.Message}");
                    }
                    Thread.Sleep(Random.Shared.Next(1, 5 * Math.Min(consecutive, 20)));
                    continue; // another writer committed first: read this batch again
                }
                work.Committed();
                consecutive = 0;
                batches++;
                rewritten += work.Rewritten;
            }
            next += Math.Min(batchPages, Math.Max(0, pageCount - next));
            progress?.Invoke(next, pageCount);
        }
        return new Result(pageCount, rewritten, batches, conflicts, version);
    }

    /// <summary>True for an encrypted format 3 value under key <paramref name="keyId"/>.</summary>
    internal static bool UnderKey(ReadOnlySpan<byte> stored, uint? keyId) =>
        keyId is { } id && stored.Length >= PageFormat.EncryptedHeaderSize && stored[2] == PageFormat.Format
        && (stored[3] & PageFormat.Encrypted) != 0 && BinaryPrimitives.ReadUInt32LittleEndian(stored[16..]) == id;

    /// <summary>
    /// What a stored value's header says: format, compressor, encryption and key id, writing
    /// version. For <c>folio info</c>; checks nothing.
    /// </summary>
    public static string DescribeStored(ReadOnlySpan<byte> stored)
    {
        if (stored.Length < 4 || stored[0] != 'F' || stored[1] != 'P')
        {
            return "no Folio page header";
        }
        if (stored[2] != PageFormat.Format)
        {
            return $"format {stored[2]}, checksum";
        }
        if (stored.Length < PageFormat.PlainHeaderSize)
        {
            return "format 3, truncated header";
        }
        var flags = stored[3];
        var parts = new List<string> { "format 3" };
        parts.Add((flags & PageFormat.CompressorMask) switch
        {
            1 => "lz4",
            2 => "zstd",
            _ => (flags & PageFormat.Incompressible) != 0 ? "stored raw (did not shrink)" : "not compressed",
        });
        parts.Add((flags & PageFormat.Encrypted) != 0 && stored.Length >= PageFormat.EncryptedHeaderSize
            ? $"aes-256-gcm key {BinaryPrimitives.ReadUInt32LittleEndian(stored[16..])}"
            : "checksum");
        parts.Add($"written at version {BinaryPrimitives.ReadInt64LittleEndian(stored[8..])}");
        if ((flags & PageFormat.Mapped) != 0)
        {
            parts.Add("carries version-map nodes");
        }
        return string.Join(", ", parts);
    }
}
