using System.Diagnostics.Metrics;
using System.Globalization;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>
/// The <c>messagecontracts.consumer.lag</c> gauge: per assigned partition, how many records the group has not yet
/// processed. Fed by librdkafka's statistics (<c>statistics.interval.ms</c>), which the poll thread receives inside
/// <c>Consume</c>; the JSON is parsed on the thread pool so the poll loop only hands it over. Partitions leave the gauge
/// when they are revoked or lost, and all of them when the consumer stops.
/// </summary>
/// <remarks>
/// One per container, with a <see cref="Meter"/> of its own named <see cref="MessagingTelemetry.Name"/>: its gauge ends
/// with the container, and tests tell their host's measurements from another's by the meter.
/// </remarks>
internal sealed class ConsumerLagMetrics : IDisposable
{
    /// <summary>librdkafka's statistics interval the consumer runs with unless the user set one.</summary>
    public const int DefaultStatisticsIntervalMs = 5_000;

    private readonly object gate = new();
    private readonly string consumerGroup;
    private readonly HashSet<TopicPartition> assigned = [];
    private Dictionary<TopicPartition, long> lags = [];

    public ConsumerLagMetrics(IOptions<MessageContractsOptions> options)
    {
        consumerGroup = options.Value.ConsumerGroup;
        Meter = new Meter(MessagingTelemetry.Name);
        Meter.CreateObservableGauge(
            "messagecontracts.consumer.lag",
            Observe,
            "{message}",
            "Records of an assigned partition the consumer group has not processed yet: the partition's end minus the offset it resumes from.");
    }

    internal Meter Meter { get; }

    /// <summary>Called on the poll thread when partitions are assigned.</summary>
    public void Assigned(IEnumerable<TopicPartition> partitions)
    {
        lock (gate)
        {
            assigned.UnionWith(partitions);
        }
    }

    /// <summary>Called on the poll thread when partitions are revoked or lost: their lag is no longer this consumer's.</summary>
    public void Removed(IEnumerable<TopicPartition> partitions)
    {
        lock (gate)
        {
            foreach (var partition in partitions)
            {
                assigned.Remove(partition);
                lags.Remove(partition);
            }
        }
    }

    /// <summary>Called when the consumer stops.</summary>
    public void Stopped()
    {
        lock (gate)
        {
            assigned.Clear();
            lags = [];
        }
    }

    /// <summary>Called on the poll thread with librdkafka's statistics: parsed on the thread pool, not here.</summary>
    public void Report(string statisticsJson, bool readCommitted, bool resetsToEarliest) =>
        ThreadPool.QueueUserWorkItem(_ => Update(statisticsJson, readCommitted, resetsToEarliest));

    internal void Update(string statisticsJson, bool readCommitted, bool resetsToEarliest)
    {
        List<PartitionLag> read;
        try
        {
            read = ConsumerStatistics.ReadLags(statisticsJson, readCommitted, resetsToEarliest);
        }
        catch (System.Text.Json.JsonException)
        {
            return; // A malformed report loses one sample, not the consumer.
        }

        lock (gate)
        {
            var next = new Dictionary<TopicPartition, long>(read.Count);
            foreach (var lag in read)
            {
                var partition = new TopicPartition(lag.Topic, lag.Partition);
                if (assigned.Contains(partition))
                {
                    next[partition] = lag.Lag;
                }
            }

            lags = next;
        }
    }

    public void Dispose() => Meter.Dispose();

    private IEnumerable<Measurement<long>> Observe()
    {
        KeyValuePair<TopicPartition, long>[] snapshot;
        lock (gate)
        {
            snapshot = [.. lags];
        }

        return snapshot.Select(entry => new Measurement<long>(
            entry.Value,
            new KeyValuePair<string, object?>("messaging.system", "kafka"),
            MessagingTelemetry.Destination(entry.Key.Topic),
            new KeyValuePair<string, object?>("messaging.destination.partition.id", entry.Key.Partition.Value.ToString(CultureInfo.InvariantCulture)),
            new KeyValuePair<string, object?>(MessagingTelemetry.ConsumerGroupAttribute, consumerGroup)));
    }
}
