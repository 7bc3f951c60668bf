using System.Collections.Concurrent;
using System.Globalization;
using Confluent.Kafka;

namespace MessageContracts.Tests.Faults.Support;

/// <summary>One dead-letter record, as much of it as a check needs: where the original was, and why it was dead-lettered.</summary>
public sealed record DeadLetterEntry(int OriginalPartition, long OriginalOffset, string? Reason, int ValueLength);

/// <summary>
/// Reads a dead-letter topic from its beginning while a test runs, keeping only where each record came from and its
/// reason. Reading as it is written matters on the embedded Kafka: librdkafka's mock cluster keeps about 5 MB per
/// partition and deletes the oldest records beyond that, so a topic holding megabytes of dead-lettered garbage cannot be
/// read back whole afterwards.
/// </summary>
public sealed class DeadLetterRecorder : IDisposable
{
    private readonly ConcurrentQueue<DeadLetterEntry> entries = new();
    private readonly ConcurrentDictionary<int, long> positions = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Task reading;
    private readonly string topic;

    public DeadLetterRecorder(string bootstrapServers, string topic, int partitions)
    {
        this.topic = topic;
        reading = Task.Run(() => Read(bootstrapServers, partitions));
    }

    public IReadOnlyList<DeadLetterEntry> Entries => [.. entries];

    /// <summary>Waits until every partition has been read up to <paramref name="highWatermarks"/>.</summary>
    public Task WaitUntilReadAsync(long[] highWatermarks, TimeSpan timeout) =>
        Eventually.UntilAsync(
            () => reading.IsFaulted
                ? throw new InvalidOperationException("The dead-letter reader failed.", reading.Exception)
                : Enumerable.Range(0, highWatermarks.Length).All(p => positions.GetValueOrDefault(p) >= highWatermarks[p]),
            timeout,
            () => $"read '{topic}' up to [{string.Join(", ", Enumerable.Range(0, highWatermarks.Length).Select(p => positions.GetValueOrDefault(p)))}] of [{string.Join(", ", highWatermarks)}]");

    public void Dispose()
    {
        stop.Cancel();
        try
        {
            reading.Wait(TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
            // Stopped.
        }

        stop.Dispose();
    }

    private void Read(string bootstrapServers, int partitions)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "dead-letter-recorder-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            FetchWaitMaxMs = 5,
            MaxPartitionFetchBytes = 4 * 1024 * 1024,
        }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        while (!stop.IsCancellationRequested)
        {
            var record = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (record is null || record.IsPartitionEOF)
            {
                continue;
            }

            // Offsets that the mock deleted before they were read would show as a gap here: the check then misses them.
            entries.Enqueue(new DeadLetterEntry(
                int.Parse(KafkaProbe.Header(record, MessageHeaders.DeadLetterOriginalPartition)!, CultureInfo.InvariantCulture),
                long.Parse(KafkaProbe.Header(record, MessageHeaders.DeadLetterOriginalOffset)!, CultureInfo.InvariantCulture),
                KafkaProbe.Header(record, MessageHeaders.DeadLetterReason),
                record.Message.Value?.Length ?? 0));
            positions[record.Partition.Value] = record.Offset.Value + 1;
        }
    }
}
