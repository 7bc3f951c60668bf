using System.Text;
using Confluent.Kafka;
using MessageContracts;

namespace OrderFlow.Brokers;

/// <summary>Reads a dead-letter topic from the start, to check what landed there and which service put it there.</summary>
public static class KafkaDeadLetterProbe
{
    /// <summary>The consumer group that dead-lettered each record with <paramref name="key"/>, one entry per record.</summary>
    public static IReadOnlyList<string> GroupsThatDeadLettered(string bootstrapServers, string topic, string key, TimeSpan patience)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = $"orderflow-probe-{Guid.NewGuid():N}",
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnablePartitionEof = true,
        }).Build();

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
        var partitions = admin.GetMetadata(topic, patience).Topics.Single().Partitions
            .Select(p => new TopicPartitionOffset(topic, p.PartitionId, Offset.Beginning)).ToList();
        consumer.Assign(partitions);

        var groups = new List<string>();
        var finished = new HashSet<int>();
        var deadline = DateTime.UtcNow + patience;
        while (finished.Count < partitions.Count && DateTime.UtcNow < deadline)
        {
            var record = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (record is null)
            {
                continue;
            }

            if (record.IsPartitionEOF)
            {
                finished.Add(record.Partition.Value);
                continue;
            }

            if (record.Message.Key == key && record.Message.Headers.TryGetLastBytes(MessageHeaders.DeadLetterConsumerGroup, out var group))
            {
                groups.Add(Encoding.UTF8.GetString(group));
            }
        }

        return groups;
    }
}
