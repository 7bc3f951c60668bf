using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace MessageContracts.Tests.Faults.Support;

/// <summary>
/// Sums the MessageContracts counters of one topic while alive (handled, duplicates dropped, retried, dead-lettered).
/// The meter is process-wide: the topic filter keeps out tests of other topics, and the fault tests run one at a time.
/// </summary>
public sealed class FaultMetrics : IDisposable
{
    public const string Handled = "messagecontracts.messages.handled";
    public const string DuplicatesDropped = "messagecontracts.messages.duplicates_dropped";
    public const string Retried = "messagecontracts.messages.retried";
    public const string DeadLettered = "messagecontracts.messages.dead_lettered";

    private readonly MeterListener listener = new();
    private readonly ConcurrentDictionary<string, long> sums = new(StringComparer.Ordinal);
    private readonly string topic;

    public FaultMetrics(string topic)
    {
        this.topic = topic;
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == MessagingTelemetry.Name && instrument.Name is Handled or DuplicatesDropped or Retried or DeadLettered)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "messaging.destination.name" && Equals(tag.Value, this.topic))
                {
                    sums.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value);
                    return;
                }
            }
        });
        listener.Start();
    }

    public long this[string instrument] => sums.TryGetValue(instrument, out var sum) ? sum : 0;

    public void Dispose() => listener.Dispose();
}
