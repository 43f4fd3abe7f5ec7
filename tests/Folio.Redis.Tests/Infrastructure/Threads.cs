using System.Collections.Concurrent;

namespace Folio.Redis.Tests.Infrastructure;

internal static class Threads
{
    /// <summary>Runs <paramref name="body"/> on <paramref name="count"/> threads at once and returns what they threw.</summary>
    public static List<Exception> Run(int count, Action<int> body)
    {
        var failures = new ConcurrentBag<Exception>();
        var threads = Enumerable.Range(0, count).Select(i => new Thread(() =>
        {
            try
            {
                body(i);
            }
            catch (Exception e)
            {
                // Recorded for the test to assert on: an exception escaping a thread would end the test host.
                failures.Add(e);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        return failures.ToList();
    }
}
