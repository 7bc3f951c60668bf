using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace MessageContracts.Tests.Support;

/// <summary>Records every measurement of one counter of the MessageContracts meter while it is alive.</summary>
public sealed class MeterCapture : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly ConcurrentQueue<(long Value, Dictionary<string, object?> Tags)> measurements = new();

    public MeterCapture(string instrumentName)
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == MessagingTelemetry.Name && instrument.Name == instrumentName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value;
            }

            measurements.Enqueue((value, copy));
        });
        listener.Start();
    }

    /// <summary>The sum of the measurements whose tags include every given tag.</summary>
    public long Sum(params (string Key, object? Value)[] tags) =>
        measurements
            .Where(m => tags.All(t => m.Tags.TryGetValue(t.Key, out var value) && Equals(value, t.Value)))
            .Sum(m => m.Value);

    public void Dispose() => listener.Dispose();
}
