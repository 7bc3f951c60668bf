using System.Diagnostics;
using System.Text;
using Confluent.Kafka;

namespace MessageContracts.Tests.Faults.Support;

/// <summary>
/// Looks at the embedded Kafka from outside the hosts under test: what a topic's log holds, and what a consumer group
/// has committed. "Committed up to the end of every partition" is how the fault tests know a group has settled every
/// record (an offset is stored only once its record's outcome is final), so nothing more can happen to it.
/// </summary>
public static class KafkaProbe
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    public static int PartitionCount(string bootstrapServers, string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
        var metadata = admin.GetMetadata(topic, RequestTimeout);
        var partitions = metadata.Topics.Single().Partitions.Count;
        return partitions > 0 ? partitions : throw new InvalidOperationException($"Topic '{topic}' has no partitions (does it exist?).");
    }

    /// <summary>The high watermark (the offset the next record will get) of every partition of <paramref name="topic"/>.</summary>
    public static long[] HighWatermarks(string bootstrapServers, string topic)
    {
        var partitions = PartitionCount(bootstrapServers, topic);
        using var consumer = NewConsumer(bootstrapServers, "watermarks-" + Guid.NewGuid().ToString("N"));
        return [.. Enumerable.Range(0, partitions).Select(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), RequestTimeout).High.Value)];
    }

    /// <summary>
    /// Waits until <paramref name="group"/> has committed every partition of <paramref name="topic"/> up to its high
    /// watermark: every record there has a final outcome. Returns the committed offsets.
    /// </summary>
    public static async Task<long[]> WaitUntilCommittedToEndAsync(string bootstrapServers, string group, string topic, TimeSpan timeout)
    {
        var high = HighWatermarks(bootstrapServers, topic);
        using var consumer = NewConsumer(bootstrapServers, group);
        var committed = new long[high.Length];
        await Eventually.UntilAsync(
            async () =>
            {
                committed = await Task.Run(() => Committed(consumer, topic, high.Length));
                return committed.SequenceEqual(high);
            },
            timeout,
            () => $"group '{group}' committed [{string.Join(", ", committed)}] of '{topic}', whose ends are [{string.Join(", ", high)}]");
        return committed;
    }

    /// <summary>What <paramref name="group"/> has committed on each partition of <paramref name="topic"/>; -1 for none.</summary>
    public static long[] Committed(string bootstrapServers, string group, string topic, int partitions)
    {
        using var consumer = NewConsumer(bootstrapServers, group);
        return Committed(consumer, topic, partitions);
    }

    /// <summary>Every record of <paramref name="topic"/>, partition by partition, in offset order.</summary>
    public static List<ConsumeResult<byte[]?, byte[]?>> ReadAll(string bootstrapServers, string topic)
    {
        var high = HighWatermarks(bootstrapServers, topic);
        var expected = high.Sum();
        var records = new List<ConsumeResult<byte[]?, byte[]?>>();
        if (expected == 0)
        {
            return records;
        }

        using var consumer = NewConsumer(bootstrapServers, "reader-" + Guid.NewGuid().ToString("N"));
        consumer.Assign(Enumerable.Range(0, high.Length).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var clock = Stopwatch.StartNew();
        while (records.Count < expected)
        {
            if (clock.Elapsed > RequestTimeout)
            {
                throw new TimeoutException($"Read {records.Count} of the {expected} records of '{topic}' within {RequestTimeout}.");
            }

            var record = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (record is not null && !record.IsPartitionEOF)
            {
                records.Add(record);
            }
        }

        return [.. records.OrderBy(r => r.Partition.Value).ThenBy(r => r.Offset.Value)];
    }

    public static string? Header(ConsumeResult<byte[]?, byte[]?> record, string key) =>
        record.Message.Headers is not null && record.Message.Headers.TryGetLastBytes(key, out var value) ? Encoding.UTF8.GetString(value) : null;

    private static long[] Committed(IConsumer<byte[]?, byte[]?> consumer, string topic, int partitions) =>
        [.. consumer.Committed(Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p)), RequestTimeout)
            .OrderBy(c => c.Partition.Value)
            .Select(c => c.Offset == Offset.Unset ? -1 : c.Offset.Value)];

    // Never subscribes: it reads offsets and records without joining (or disturbing) the group it names.
    private static IConsumer<byte[]?, byte[]?> NewConsumer(string bootstrapServers, string group) =>
        new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = group,
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            FetchWaitMaxMs = 5,
        }).Build();
}
