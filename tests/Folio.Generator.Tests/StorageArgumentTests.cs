using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using NUnit.Framework;

namespace Folio.Generator.Tests;

/// <summary>
/// Values a storage attribute fixes are written into the generated <c>Open()</c> as C# literals:
/// they must compile whatever their type and the build's culture, and reach the factory unchanged.
/// </summary>
public class StorageArgumentTests
{
    private const string Source = """
        using System;
        using System.Globalization;
        using Folio;
        using Folio.Storage;

        namespace Fake.Tuned
        {
            public enum Mode { Slow = 1, Fast = 2, Backwards = -3 }

            [Flags]
            public enum Options { None = 0, Compress = 1, Encrypt = 2 }

            [StoreFactory(typeof(TunedStoreFactory))]
            [AttributeUsage(AttributeTargets.Class)]
            public sealed class TunedStorageAttribute : StorageAttribute
            {
                public float Ratio { get; set; }
                public double Weight { get; set; }
                public char Separator { get; set; }
                public long Limit { get; set; }
                public bool Strict { get; set; }
                public string? Path { get; set; }
                public Mode Mode { get; set; }
                public Mode Direction { get; set; }
                public Options Options { get; set; }
            }

            public static class TunedStoreFactory
            {
                public static string? Seen;

                // Records what it was given and stops there: the test needs the values, not a store.
                public static MemoryPageStore Create(float ratio, double weight, char separator, long limit, bool strict, string path,
                    Mode mode, Mode direction, Options options, int pageSize)
                {
                    Seen = string.Join("|", ratio.ToString("R", CultureInfo.InvariantCulture), weight.ToString("R", CultureInfo.InvariantCulture),
                        ((int)separator).ToString(CultureInfo.InvariantCulture), limit.ToString(CultureInfo.InvariantCulture), strict ? "true" : "false",
                        path, mode.ToString(), ((int)direction).ToString(CultureInfo.InvariantCulture), ((int)options).ToString(CultureInfo.InvariantCulture));
                    throw new InvalidOperationException("captured");
                }
            }
        }

        namespace MyApp
        {
            [PagedDatabase]
            [Fake.Tuned.TunedStorage(Ratio = 1234.5f, Weight = -0.1, Separator = '\'', Limit = 5000000000, Strict = true,
                Path = "C:\\data\\\"quoted\" \t tab", Mode = Fake.Tuned.Mode.Fast, Direction = (Fake.Tuned.Mode)(-7),
                Options = Fake.Tuned.Options.Compress | Fake.Tuned.Options.Encrypt)]
            public partial class TunedDb
            {
            }
        }
        """;

    private const string Expected = "1234.5|-0.1|39|5000000000|true|C:\\data\\\"quoted\" \t tab|Fast|-7|3";

    [TestCase("")]
    [TestCase("de-DE")]
    [TestCase("ar-SA")]
    public void FixedArgumentsCompileAndReachTheFactoryUnchanged(string culture)
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = culture.Length == 0 ? CultureInfo.InvariantCulture : new CultureInfo(culture);
        try
        {
            var (result, output) = GeneratorHarness.Run(Source);
            Assert.That(result.Exception, Is.Null);
            Assert.That(result.Diagnostics, Is.Empty, Snapshot.Describe(result.Diagnostics));
            var problems = GeneratorHarness.CompilerProblems(output);
            Assert.That(problems, Is.Empty, Snapshot.Describe(problems) + "\n" + result.GeneratedSources[0].SourceText);

            var assembly = Load(output);
            // Open(options = null): the storage attribute fixes every factory argument.
            var open = assembly.GetType("MyApp.TunedDb", throwOnError: true)!.GetMethods(BindingFlags.Public | BindingFlags.Static)
                .Single(m => m.Name == "Open" && m.GetParameters() is [{ ParameterType.Name: "FolioOptions" }]);
            var thrown = Assert.Throws<TargetInvocationException>(() => open.Invoke(null, new object?[] { null }))!;
            Assert.That(thrown.InnerException?.Message, Is.EqualTo("captured"));
            var seen = assembly.GetType("Fake.Tuned.TunedStoreFactory", throwOnError: true)!.GetField("Seen")!.GetValue(null);
            Assert.That(seen, Is.EqualTo(Expected));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    private static Assembly Load(Compilation output)
    {
        using var image = new MemoryStream();
        var emitted = output.Emit(image);
        Assert.That(emitted.Success, Is.True, Snapshot.Describe(emitted.Diagnostics));
        image.Position = 0;
        return new AssemblyLoadContext("StorageArguments", isCollectible: true).LoadFromStream(image);
    }
}
