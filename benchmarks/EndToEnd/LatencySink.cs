using System.Diagnostics;

namespace MessageContracts.Benchmarks.EndToEnd;

/// <summary>
/// Counts handled messages and keeps each one's publish-to-handle latency (Stopwatch ticks) in a preallocated array,
/// so recording allocates nothing. Completes when the expected number has been handled.
/// </summary>
public sealed class LatencySink
{
    private long[] latencies = [];
    private int expected;
    private int handled;
    private long lastHandledAt;
    private TaskCompletionSource completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Handled => Volatile.Read(ref handled);

    public long LastHandledAt => Volatile.Read(ref lastHandledAt);

    public Task Completed => completed.Task;

    public void Reset(int expectedCount)
    {
        latencies = new long[expectedCount];
        completed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref handled, 0);
        Volatile.Write(ref expected, expectedCount);
    }

    public void Record(long sentAt)
    {
        var now = Stopwatch.GetTimestamp();
        var index = Interlocked.Increment(ref handled) - 1;
        if (index < latencies.Length)
        {
            latencies[index] = now - sentAt;
        }

        if (index + 1 == Volatile.Read(ref expected))
        {
            Volatile.Write(ref lastHandledAt, now);
            completed.TrySetResult();
        }
    }

    /// <summary>The latency percentile <paramref name="p"/> (0..1) of what was recorded, in milliseconds.</summary>
    public static double PercentileMs(long[] sorted, double p)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var index = (int)Math.Clamp(Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1);
        return sorted[index] * 1000.0 / Stopwatch.Frequency;
    }

    public long[] SortedLatencies()
    {
        var count = Math.Min(Handled, latencies.Length);
        var copy = latencies.AsSpan(0, count).ToArray();
        Array.Sort(copy);
        return copy;
    }
}
