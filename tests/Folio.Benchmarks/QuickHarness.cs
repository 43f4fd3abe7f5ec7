using System.Diagnostics;

namespace Folio.Benchmarks;

/// <summary>
/// A simple interleaved harness: A and B run in alternating batches so machine noise hits both
/// alike; each side's figure is the median of its batches' time per operation.
/// </summary>
public static class QuickHarness
{
    /// <summary>Prints <c>ratio name = median(A) / median(B)</c> and returns it.</summary>
    public static double Ratio(string name, Action a, Action b, int operationsPerBatch, int batches = 15)
    {
        var (ma, mb) = Compare(a, b, operationsPerBatch, batches);
        var ratio = ma / mb;
        Console.WriteLine($"ratio {name} = {ratio:F3}");
        Console.Error.WriteLine($"  ({name}: {ma * 1e6:F2} us vs {mb * 1e6:F2} us per operation)");
        return ratio;
    }

    /// <summary>Median seconds per operation of A and of B, interleaved.</summary>
    public static (double A, double B) Compare(Action a, Action b, int operationsPerBatch, int batches)
    {
        Run(a, operationsPerBatch);
        Run(b, operationsPerBatch);
        var ta = new double[batches];
        var tb = new double[batches];
        for (var i = 0; i < batches; i++)
        {
            ta[i] = Run(a, operationsPerBatch);
            tb[i] = Run(b, operationsPerBatch);
        }
        return (Median(ta), Median(tb));
    }

    /// <summary>Prints <c>figure name = value</c>.</summary>
    public static void Figure(string name, double value, string detail = "")
    {
        Console.WriteLine($"figure {name} = {value:0.###}");
        if (detail.Length > 0)
        {
            Console.Error.WriteLine($"  ({name}: {detail})");
        }
    }

    private static double Run(Action action, int operations)
    {
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < operations; i++)
        {
            action();
        }
        return watch.Elapsed.TotalSeconds / operations;
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
