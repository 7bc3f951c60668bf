using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace MessageContracts.Benchmarks.EndToEnd;

/// <summary>
/// With <c>--gc-reasons</c>: counts the runtime's garbage collections by generation and reason, and the bytes each
/// generation's collections promoted, from the runtime's own events (GCStart_V2, GCHeapStats_V2), to tell which
/// objects outlive a gen0 collection and why gen2 collections happen.
/// </summary>
internal sealed class GcReasons : EventListener
{
    private static readonly string[] ReasonNames =
    [
        "AllocSmall", "Induced", "LowMemory", "Empty", "AllocLarge", "OutOfSpaceSOH", "OutOfSpaceLOH", "InducedNotForced",
        "Internal", "InducedLowMemory", "InducedCompacting", "LowMemoryHost", "PMFullGC", "LowMemoryHostBlocking",
    ];

    private readonly ConcurrentDictionary<string, int> counts = new();
    private long promoted0;
    private long promoted1;
    private bool enabled;

    /// <summary>The listener of this run, when <c>--gc-reasons</c> is given.</summary>
    public static GcReasons? Current { get; private set; }

    public void Start()
    {
        enabled = true;
        Current = this;
    }

    /// <summary>Prints what was counted so far as the figures of <paramref name="phase"/>, and resets.</summary>
    public static void PrintPhase(string phase)
    {
        if (Current is { } current)
        {
            Console.WriteLine($"    {phase}: {current.TakeSummary()}");
        }
    }

    /// <summary>What was counted since the last call, and resets.</summary>
    public string TakeSummary()
    {
        var text = string.Join(", ", counts.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key} {pair.Value}"));
        counts.Clear();
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"gc reasons: {text}; promoted by gen0 GCs {Interlocked.Exchange(ref promoted0, 0) / 1e6:N1} MB, by gen1 GCs {Interlocked.Exchange(ref promoted1, 0) / 1e6:N1} MB");
        return summary;
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Informational, (EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!enabled || eventData.Payload is null)
        {
            return;
        }

        if (eventData.EventName?.StartsWith("GCStart", StringComparison.Ordinal) == true)
        {
            var depth = Convert.ToInt32(eventData.Payload[eventData.PayloadNames!.IndexOf("Depth")], CultureInfo.InvariantCulture);
            var reason = Convert.ToInt32(eventData.Payload[eventData.PayloadNames.IndexOf("Reason")], CultureInfo.InvariantCulture);
            var type = eventData.PayloadNames.IndexOf("Type") is var t and >= 0 ? Convert.ToInt32(eventData.Payload[t], CultureInfo.InvariantCulture) : 0;
            var key = $"gen{depth}{(type == 1 ? "bg" : "")}:{(reason < ReasonNames.Length ? ReasonNames[reason] : reason.ToString(CultureInfo.InvariantCulture))}";
            counts.AddOrUpdate(key, 1, (_, n) => n + 1);
        }
        else if (eventData.EventName?.StartsWith("GCHeapStats", StringComparison.Ordinal) == true)
        {
            Interlocked.Add(ref promoted0, Convert.ToInt64(eventData.Payload[eventData.PayloadNames!.IndexOf("TotalPromotedSize0")], CultureInfo.InvariantCulture));
            Interlocked.Add(ref promoted1, Convert.ToInt64(eventData.Payload[eventData.PayloadNames.IndexOf("TotalPromotedSize1")], CultureInfo.InvariantCulture));
        }
    }
}
