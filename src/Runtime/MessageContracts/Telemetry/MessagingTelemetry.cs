using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MessageContracts;

/// <summary>
/// The toolkit's <see cref="ActivitySource"/> and <see cref="Meter"/>, both named <c>MessageContracts</c>,
/// following OpenTelemetry's messaging semantic conventions (<c>messaging.system = kafka</c>).
/// </summary>
public static class MessagingTelemetry
{
    /// <summary>The name of the activity source and the meter: subscribe to it in OpenTelemetry.</summary>
    public const string Name = "MessageContracts";

    /// <summary>OpenTelemetry's attribute for the topic a message is published to or read from.</summary>
    internal const string DestinationAttribute = "messaging.destination.name";

    /// <summary>OpenTelemetry's attribute for the consumer group that received a message.</summary>
    internal const string ConsumerGroupAttribute = "messaging.consumer.group.name";

    internal static readonly ActivitySource ActivitySource = new(Name);

    internal static readonly Meter Meter = new(Name);

    internal static readonly Counter<long> Published = Meter.CreateCounter<long>("messagecontracts.messages.published", "{message}", "Messages acknowledged by Kafka.");

    internal static readonly Counter<long> Handled = Meter.CreateCounter<long>("messagecontracts.messages.handled", "{message}", "Messages whose handlers completed.");

    internal static readonly Counter<long> DuplicatesDropped = Meter.CreateCounter<long>("messagecontracts.messages.duplicates_dropped", "{message}", "Deliveries dropped because their message ID was processed before.");

    internal static readonly Counter<long> Retried = Meter.CreateCounter<long>("messagecontracts.messages.retried", "{attempt}", "Handler attempts that failed and were retried.");

    internal static readonly Counter<long> DeadLettered = Meter.CreateCounter<long>("messagecontracts.messages.dead_lettered", "{message}", "Records sent to a dead-letter topic.");

    internal static readonly Histogram<double> HandlerDuration = Meter.CreateHistogram<double>("messagecontracts.handler.duration", "s", "Time spent in handlers per record.");

    /// <summary>The metric tag naming <paramref name="topic"/>, carried by every counter and histogram here.</summary>
    internal static KeyValuePair<string, object?> Destination(string topic) => new(DestinationAttribute, topic);

    /// <summary>
    /// The tags of a consumer-side measurement: the topic and the consumer group, so services that read the same
    /// topic in one process (each its own group) are told apart.
    /// </summary>
    internal static TagList Consumed(string topic, string consumerGroup) =>
        new([Destination(topic), new(ConsumerGroupAttribute, consumerGroup)]);
}
