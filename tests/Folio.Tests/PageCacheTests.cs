using Folio.Vfs;
using NUnit.Framework;

namespace Folio.Tests;

/// <summary>The page cache's CLOCK eviction: a page used since the hand last passed survives it.</summary>
public class PageCacheTests
{
    [Test]
    public void WhenFullThePageUnusedLongestIsEvictedAndARecentlyUsedOneSurvives()
    {
        var cache = new PageCache(4);
        cache.Advance(-1, 1, null);
        var page = new byte[8];
        for (long p = 1; p <= 4; p++)
        {
            cache.Add(1, p, page);
        }
        cache.Add(1, 5, page); // full: the hand clears every bit once, then takes page 1
        Assert.That(Cached(cache, 1), Is.False);
        Assert.That(Cached(cache, 5), Is.True);

        Assert.That(Cached(cache, 2), Is.True); // used: survives the next pass
        cache.Add(1, 6, page);
        Assert.That(Cached(cache, 2), Is.True);
        Assert.That(Cached(cache, 3), Is.False, "page 3 was not used since the hand cleared it");
    }

    [Test]
    public void ManyInsertionsKeepTheCacheAtItsCapacity()
    {
        var cache = new PageCache(64);
        cache.Advance(-1, 1, null);
        var page = new byte[8];
        for (long p = 0; p < 10_000; p++)
        {
            cache.Add(1, p, page);
        }
        var cached = Enumerable.Range(0, 10_000).Count(p => Cached(cache, p));
        Assert.That(cached, Is.EqualTo(64));
    }

    private static bool Cached(PageCache cache, long page) => cache.TryRead(1, page, new byte[8]);
}

/// <summary>Page hits take no lock: a hit racing a commit that rewrites the page is never torn or of another version.</summary>
public class PageCacheConcurrencyTests
{
    private const int Pages = 8;
    private const int PageBytes = 4096;

    [Test]
    public void HitsDuringCommitsAlwaysReturnThePageOfTheVersionAsked()
    {
        var cache = new PageCache(Pages * 2);
        cache.Advance(-1, 0, null);
        for (long p = 0; p < Pages; p++)
        {
            cache.Add(0, p, Fill(0));
        }
        const int commits = 20_000;
        using var done = new CancellationTokenSource();
        var hits = new long[2];
        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(() =>
        {
            var buffer = new byte[PageBytes];
            var page = 0L;
            while (!done.IsCancellationRequested)
            {
                var version = cache.Version;
                page = (page + 1) % Pages;
                if (cache.TryRead(version, page, buffer))
                {
                    var expected = (byte)(version % 251);
                    var wrong = Array.FindIndex(buffer, b => b != expected);
                    Assert.That(wrong, Is.EqualTo(-1), $"page {page} at version {version}: byte {wrong} is {(wrong < 0 ? 0 : buffer[wrong])}, not {expected}");
                    hits[r]++;
                }
            }
        })).ToArray();
        try
        {
            for (long version = 1; version <= commits; version++)
            {
                var data = Fill(version);
                var pages = Enumerable.Range(0, Pages).Select(p => new KeyValuePair<long, byte[]>(p, data)).ToList();
                cache.ApplyCommit(version - 1, version, Pages, Pages, pages);
            }
        }
        finally
        {
            done.Cancel();
            Task.WaitAll(readers);
        }
        Assert.That(cache.Version, Is.EqualTo(commits));
        Assert.That(hits.Sum(), Is.GreaterThan(0), "the readers hit the cache at least once");
    }

    private static byte[] Fill(long version)
    {
        var data = new byte[PageBytes];
        Array.Fill(data, (byte)(version % 251));
        return data;
    }
}
