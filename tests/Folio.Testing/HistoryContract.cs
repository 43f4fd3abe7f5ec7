using Folio.Storage;
using NUnit.Framework;

namespace Folio.Testing;

/// <summary>
/// The <see cref="IPageStoreHistory"/> contract checked on raw pages (no SQLite), the same way for
/// every store: a random run of commits (writes, truncations, regrowth) is kept as a model, and
/// every retained version must read back exactly as the model had it, while older ones are refused.
/// </summary>
public static class HistoryContract
{
    /// <summary>A page value that names its page and the version that wrote it, so a wrong one is recognisable.</summary>
    public static byte[] Value(int pageSize, long page, long version)
    {
        var value = new byte[pageSize];
        BitConverter.TryWriteBytes(value, page);
        BitConverter.TryWriteBytes(value.AsSpan(8), version);
        value[^1] = (byte)(page * 31 + version);
        return value;
    }

    /// <summary>
    /// Runs <paramref name="commits"/> random commits on <paramref name="store"/> (which must keep
    /// <paramref name="retained"/> past versions and be empty), then reads every retained version
    /// back page by page and checks the versions past retention are refused.
    /// </summary>
    public static void EveryRetainedVersionReadsAsItWasCommitted(IPageStore store, int retained, int commits = 60, int seed = 7)
    {
        var history = (IPageStoreHistory)store;
        var random = new Random(seed);
        var states = new List<(long Version, long Count, Dictionary<long, long> WrittenAt)>();
        var written = new Dictionary<long, long>(); // page -> version whose value it holds
        long pageCount = 0;
        for (var i = 0; i < commits; i++)
        {
            var head = store.GetHead();
            var version = head.Version + 1;
            var newCount = random.Next(10) switch
            {
                0 => Math.Max(1, pageCount / 2),         // a truncation
                1 or 2 => pageCount + random.Next(1, 6), // growth
                _ => Math.Max(1, pageCount),
            };
            var pages = new SortedSet<long>();
            for (var p = pageCount; p < newCount; p++)
            {
                if (random.Next(4) != 0)
                {
                    pages.Add(p); // most new pages are written; a few are left sparse (they read as zeros)
                }
            }
            for (var k = 0; k < random.Next(1, 4); k++)
            {
                pages.Add(random.NextInt64(newCount));
            }
            foreach (var gone in written.Keys.Where(p => p >= newCount).ToList())
            {
                written.Remove(gone);
            }
            var batch = pages.Select(p => new StorePage(p, Value(store.PageSize, p, version))).ToList();
            Assert.That(store.Commit(new StoreCommit(head.Lineage, head.Version, newCount, batch)), Is.EqualTo(version));
            foreach (var p in pages)
            {
                written[p] = version;
            }
            pageCount = newCount;
            states.Add((version, pageCount, new Dictionary<long, long>(written)));
        }

        var range = history.GetHistoryRange();
        Assert.That(range.Newest, Is.EqualTo(commits));
        Assert.That(range.Oldest, Is.EqualTo(Math.Max(1, commits - retained)), $"the store keeps {retained} past versions");
        var buffer = new byte[store.PageSize + 256];
        foreach (var (version, count, at) in states.Where(s => range.Contains(s.Version)))
        {
            using var reader = history.BeginReadAt(version);
            Assert.That((reader.Version, reader.PageCount, reader.Lineage), Is.EqualTo((version, count, range.Lineage)), $"the head of version {version}");
            for (long p = 0; p < count; p++)
            {
                var length = reader.ReadPage(p, buffer);
                if (!at.TryGetValue(p, out var writer))
                {
                    Assert.That(length, Is.Zero, $"page {p} at version {version} was never written (sparse or cut off and regrown)");
                    continue;
                }
                Assert.That(length, Is.EqualTo(store.PageSize), $"page {p} at version {version}");
                Assert.That(buffer.AsSpan(0, length).SequenceEqual(Value(store.PageSize, p, writer)), Is.True,
                    $"page {p} at version {version} must hold the value version {writer} wrote, found the value of version {BitConverter.ToInt64(buffer, 8)}");
            }
        }
        var versions = history.GetVersions(long.MaxValue, int.MaxValue);
        Assert.That(versions.Select(v => v.Version), Is.EqualTo(Enumerable.Range(0, (int)(range.Newest - range.Oldest + 1)).Select(i => range.Newest - i)),
            "every retained version is listed, newest first");
        Assert.That(versions[0].PageCount, Is.EqualTo(pageCount));
        if (range.Oldest > 1)
        {
            var refused = Assert.Throws<VersionNotRetainedException>(() => history.BeginReadAt(range.Oldest - 1).Dispose());
            Assert.That(refused!.Message, Does.Contain($"version {range.Oldest - 1} is not retained").And.Contain(range.ToString()));
        }
        Assert.Throws<VersionNotRetainedException>(() => history.BeginReadAt(range.Newest + 1).Dispose());
    }

    /// <summary>
    /// Many commits of a few pages each: the retained values never exceed what the retention
    /// allows (a generous bound: the pages of the retained commits, twice), so collection keeps up.
    /// </summary>
    public static StoreHistoryUsage CollectionKeepsTheHistoryBounded(IPageStore store, int retained, int commits, int pagesPerCommit = 3)
    {
        var history = (IPageStoreHistory)store;
        var random = new Random(11);
        var head = store.GetHead();
        const int pages = 64;
        store.Commit(new StoreCommit(head.Lineage, head.Version, pages, Enumerable.Range(0, pages).Select(p => new StorePage(p, Value(store.PageSize, p, 1))).ToList()));
        for (var i = 0; i < commits; i++)
        {
            head = store.GetHead();
            var chosen = new SortedSet<long>();
            while (chosen.Count < pagesPerCommit)
            {
                chosen.Add(random.Next(pages));
            }
            store.Commit(new StoreCommit(head.Lineage, head.Version, pages, chosen.Select(p => new StorePage(p, Value(store.PageSize, p, head.Version + 1))).ToList()));
        }
        var usage = history.GetUsage();
        Assert.That(usage.Values, Is.LessThanOrEqualTo(2L * retained * pagesPerCommit), $"retained values after {commits} commits keeping {retained}");
        Assert.That(usage.Versions, Is.LessThanOrEqualTo(retained + 1));
        return usage;
    }

    /// <summary>A read pinned at a past version reads it as it was while later commits (and their collection) go on.</summary>
    public static void AReadOfAPastVersionIsNotBrokenByLaterCommits(IPageStore store)
    {
        var history = (IPageStoreHistory)store;
        var lineage = store.GetHead().Lineage;
        StorePage Page(long number, long version) => new(number, Value(store.PageSize, number, version));
        store.Commit(new StoreCommit(lineage, 0, 2, [Page(0, 1), Page(1, 1)]));
        using var past = history.BeginReadAt(1);
        for (var v = 1; v < 10; v++)
        {
            store.Commit(new StoreCommit(lineage, v, 2, [Page(0, v + 1), Page(1, v + 1)]));
        }
        var buffer = new byte[store.PageSize];
        Assert.That(past.ReadPage(1, buffer), Is.EqualTo(store.PageSize));
        Assert.That(buffer.SequenceEqual(Value(store.PageSize, 1, 1)), Is.True, "the pinned past version reads as it was");
    }

    /// <summary>The version in force at a time is the newest committed at or before it.</summary>
    public static void TheVersionInForceAtATimeIsTheNewestCommittedBeforeIt(IPageStore store)
    {
        var history = (IPageStoreHistory)store;
        var times = new List<DateTimeOffset>();
        for (var i = 0; i < 3; i++)
        {
            var head = store.GetHead();
            store.Commit(new StoreCommit(head.Lineage, head.Version, 1, [new StorePage(0, Value(store.PageSize, 0, head.Version + 1))]));
            times.Add(history.GetVersions(long.MaxValue, 1)[0].CommittedAt);
            Thread.Sleep(20); // commit times are milliseconds apart at the least: make them distinct
        }
        Assert.That(history.FindVersionAt(times[0].AddMilliseconds(-5)), Is.Null, "nothing was committed before the first commit");
        Assert.That(history.FindVersionAt(times[0])?.Version, Is.EqualTo(1));
        Assert.That(history.FindVersionAt(times[1].AddMilliseconds(-1))?.Version, Is.EqualTo(1));
        Assert.That(history.FindVersionAt(times[2].AddMilliseconds(5))?.Version, Is.EqualTo(3));
    }
}
