using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using MessageContracts;

namespace OrderFlow.Summary;

/// <summary>
/// The toolkit's own counters (the <c>MessageContracts</c> meter), read with a <see cref="MeterListener"/>: the summary
/// reports what the runtime measured, by counter, topic and consumer group.
/// </summary>
public sealed class SampleMetrics : IDisposable
{
    /// <summary>
    /// The order service publishes through its outbox, so "published" is the relay's count: outbox rows Kafka
    /// acknowledged and the relay marked sent (direct publishes count in <c>messagecontracts.messages.published</c>).
    /// </summary>
    public const string Published = "messagecontracts.outbox.relayed";
    public const string Handled = "messagecontracts.messages.handled";
    public const string DuplicatesDropped = "messagecontracts.messages.duplicates_dropped";
    public const string Retried = "messagecontracts.messages.retried";
    public const string DeadLettered = "messagecontracts.messages.dead_lettered";

    private const string TopicTag = "messaging.destination.name";
    private const string GroupTag = "messaging.consumer.group.name";

    private readonly MeterListener listener = new();
    private readonly ConcurrentDictionary<(string Counter, string? Topic, string? Group), long> sums = new();

    public SampleMetrics()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == MessagingTelemetry.Name)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? topic = null, group = null;
            foreach (var tag in tags)
            {
                if (tag.Key == TopicTag)
                {
                    topic = tag.Value as string;
                }
                else if (tag.Key == GroupTag)
                {
                    group = tag.Value as string;
                }
            }

            sums.AddOrUpdate((instrument.Name, topic, group), value, (_, sum) => sum + value);
        });
        listener.Start();
    }

    /// <summary>The counter's total for the topic, for one consumer group or (null) all of them.</summary>
    public long Count(string counter, string topic, string? group = null) =>
        sums.Where(pair => pair.Key.Counter == counter && pair.Key.Topic == topic && (group is null || pair.Key.Group == group))
            .Sum(pair => pair.Value);

    /// <summary>The counter's total over every topic and group.</summary>
    public long Total(string counter) => sums.Where(pair => pair.Key.Counter == counter).Sum(pair => pair.Value);

    public void Dispose() => listener.Dispose();
}
