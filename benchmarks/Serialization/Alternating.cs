using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace MessageContracts.Benchmarks.Serialization;

/// <summary>
/// The same benchmark methods, measured side by side: in every round each category's contenders run one after another
/// (the order rotating from round to round) for a fixed number of operations, so a change in machine load hits them
/// alike; each round gives every contender a ratio to the category's baseline (System.Text.Json source generation).
/// The shared 2-core machine makes BenchmarkDotNet's one-benchmark-after-another figures drift by more than the
/// differences measured here; these ratios are the figures to compare.
/// </summary>
internal static class Alternating
{
    public static void Run(int rounds, TimeSpan slice)
    {
        var benchmarks = new SerializerBenchmarks();
        benchmarks.Setup();
        var methods = typeof(SerializerBenchmarks).GetMethods()
            .Select(method => (Method: method, Attribute: method.GetCustomAttribute<BenchmarkAttribute>(), Category: method.GetCustomAttribute<BenchmarkCategoryAttribute>()?.Categories[0]))
            .Where(m => m.Attribute is not null && m.Category is not null)
            .ToList();

        var categories = methods.GroupBy(m => m.Category!).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        Console.WriteLine($"alternating: {rounds} rounds, about {slice.TotalMilliseconds:N0} ms per contender per round, load {LoadAverage()}");
        Console.WriteLine();
        Console.WriteLine("| category | method | ns/op (median) | ratio to STJ source-gen: median (min–max over rounds) | B/op |");
        Console.WriteLine("| --- | --- | --- | --- | --- |");
        foreach (var category in categories)
        {
            var contenders = category.Select(m => (m.Method.Name, Baseline: m.Attribute!.Baseline, Call: Bind(m.Method, benchmarks))).ToList();
            // Calibrate: enough operations for one slice, per contender, after a warm-up that lets tiered JIT finish.
            var operations = contenders.Select(c => Calibrate(c.Call, slice)).ToList();
            var nanoseconds = contenders.Select(_ => new List<double>()).ToList();
            var bytes = new double[contenders.Count];
            for (var round = 0; round < rounds; round++)
            {
                for (var k = 0; k < contenders.Count; k++)
                {
                    var i = (k + round) % contenders.Count;
                    var (ns, allocated) = Measure(contenders[i].Call, operations[i]);
                    nanoseconds[i].Add(ns);
                    bytes[i] = allocated;
                }
            }

            var baseline = contenders.FindIndex(c => c.Baseline);
            for (var i = 0; i < contenders.Count; i++)
            {
                var ratios = nanoseconds[i].Select((ns, round) => ns / nanoseconds[baseline][round]).Order().ToList();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {category.Key} | {contenders[i].Name} | {Median(nanoseconds[i]):N1} | {Median(ratios):0.00} ({ratios[0]:0.00}–{ratios[^1]:0.00}) | {bytes[i]:N0} |"));
            }
        }

        Console.WriteLine();
        Console.WriteLine($"load {LoadAverage()}");
        benchmarks.Cleanup();
    }

    /// <summary>A call of the benchmark method; the serialize methods return an int, bound without boxing it.</summary>
    private static Func<object?> Bind(MethodInfo method, SerializerBenchmarks target)
    {
        if (method.ReturnType == typeof(int))
        {
            var call = method.CreateDelegate<Func<int>>(target);
            return () =>
            {
                call();
                return null;
            };
        }

        return method.CreateDelegate<Func<object?>>(target);
    }

    private static long Calibrate(Func<object?> call, TimeSpan slice)
    {
        for (var i = 0; i < 50_000; i++)
        {
            call();
        }

        var started = Stopwatch.GetTimestamp();
        long done = 0;
        while (Stopwatch.GetElapsedTime(started) < slice)
        {
            for (var i = 0; i < 100; i++)
            {
                call();
            }

            done += 100;
        }

        return done;
    }

    private static (double Nanoseconds, double Bytes) Measure(Func<object?> call, long operations)
    {
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var started = Stopwatch.GetTimestamp();
        for (long i = 0; i < operations; i++)
        {
            call();
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        return (elapsed.TotalNanoseconds / operations, (double)allocated / operations);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}
