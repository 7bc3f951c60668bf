using System.Diagnostics;
using System.Globalization;

namespace MessageContracts.Benchmarks.EndToEnd;

/// <summary>
/// The whole process's CPU time, bytes allocated and garbage collections over one run (start, warm-up and stop
/// included), printed per message beside the run's rate: on a shared machine the rate swings with the load, CPU and
/// allocation per message much less, and gen1/gen2 collections show records that lived long enough to be promoted
/// (records queued ahead of the handlers).
/// </summary>
internal readonly record struct ProcessCost(TimeSpan Cpu, int Gen0, int Gen1, int Gen2, TimeSpan Paused, long Allocated)
{
    public static ProcessCost Start() => Now();

    /// <summary>What the process spent since this snapshot, over <paramref name="messages"/> messages.</summary>
    public string Describe(int messages)
    {
        var now = Now();
        return string.Create(CultureInfo.InvariantCulture,
            $"cpu {(now.Cpu - Cpu).TotalMicroseconds / messages,5:N1} µs/msg, alloc {(double)(now.Allocated - Allocated) / messages,6:N0} B/msg, gc {now.Gen0 - Gen0}/{now.Gen1 - Gen1}/{now.Gen2 - Gen2} " +
            $"paused {(now.Paused - Paused).TotalMilliseconds:N0} ms");
    }

    private static ProcessCost Now()
    {
        using var process = Process.GetCurrentProcess();
        return new ProcessCost(
            process.TotalProcessorTime, GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration(),
            GC.GetTotalAllocatedBytes(precise: false));
    }
}
