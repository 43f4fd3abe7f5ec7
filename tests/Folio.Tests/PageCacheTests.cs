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
