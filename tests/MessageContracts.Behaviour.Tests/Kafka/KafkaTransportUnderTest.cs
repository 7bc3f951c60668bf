using System.Diagnostics;
using Confluent.Kafka;
using MessageContracts.Behaviour.Tests.Transports;
using MessageContracts.Testing;

namespace MessageContracts.Behaviour.Tests.Kafka;

/// <summary>
/// Kafka under the behaviour suite: librdkafka's mock cluster in-process (<see cref="EmbeddedKafka"/>), a fresh one for
/// every test. A service is a consumer group; "settled" is the group having committed every partition to its end (an
/// offset is committed only once its record's outcome is final); dead letters are read from the topic's
/// <c>.dead-letter</c> topic, those of one service told apart by their consumer-group header.
/// </summary>
public sealed class KafkaTransportUnderTest : TransportUnderTest
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan CheckInterval = TimeSpan.FromMilliseconds(20);

    private EmbeddedKafka? kafka;
    private IProducer<byte[]?, byte[]>? producer;

    public override string Name => "kafka";

    private EmbeddedKafka Kafka => kafka ?? throw new InvalidOperationException("BeginTestAsync was not called.");

    public override async Task BeginTestAsync()
    {
        await DisposeAsync();
        kafka = await EmbeddedKafka.StartAsync();
    }

    public override void Configure(MessageContractsOptions options, string service)
    {
        options.UseEmbeddedKafka(Kafka);
        options.ConsumerGroup = service;

        // Commit soon after a record settles (the default is 5 s), so waiting for "settled" is short.
        options.ConsumerSettings["auto.commit.interval.ms"] = "100";
    }

    public override async Task SendRawAsync(
        string destinationOfContract, byte[]? key, byte[] value, IReadOnlyList<KeyValuePair<string, byte[]>> headers)
    {
        producer ??= new ProducerBuilder<byte[]?, byte[]>(new ProducerConfig
        {
            BootstrapServers = Kafka.BootstrapServers,
            EnableIdempotence = true,

            // The broker takes records up to 1 MiB; the default producer limit (1,000,000 bytes) would refuse the largest.
            MessageMaxBytes = 1024 * 1024,
        }).Build();
        var message = new Message<byte[]?, byte[]> { Key = key, Value = value };
        if (headers.Count > 0)
        {
            message.Headers = new Headers();
            foreach (var (name, bytes) in headers)
            {
                message.Headers.Add(name, bytes);
            }
        }

        await producer.ProduceAsync(destinationOfContract, message);
    }

    public override Task WaitUntilSettledAsync(string destinationOfContract, string service, TimeSpan timeout) =>
        Task.Run(async () =>
        {
            var high = HighWatermarks(destinationOfContract);
            using var consumer = NewConsumer(service);
            var committed = Array.Empty<long>();
            var clock = Stopwatch.StartNew();
            while (true)
            {
                committed = [.. consumer.Committed(Enumerable.Range(0, high.Length).Select(p => new TopicPartition(destinationOfContract, p)), RequestTimeout)
                    .OrderBy(c => c.Partition.Value)
                    .Select(c => c.Offset == Offset.Unset ? 0 : c.Offset.Value)];
                if (committed.SequenceEqual(high))
                {
                    return;
                }

                if (clock.Elapsed > timeout)
                {
                    throw new TimeoutException($"'{service}' did not settle '{destinationOfContract}' within {timeout.TotalSeconds:0} s: committed [{string.Join(", ", committed)}] of [{string.Join(", ", high)}].");
                }

                await Task.Delay(CheckInterval);
            }
        });

    public override Task<IReadOnlyList<DeadLetterSeen>> ReadDeadLettersAsync(
        string destinationOfContract, string service, int atLeast, TimeSpan timeout) =>
        Task.Run(async () =>
        {
            var topic = destinationOfContract + new MessageContractsOptions().DeadLetterTopicSuffix;
            var clock = Stopwatch.StartNew();
            while (true)
            {
                var seen = ReadAll(topic)
                    .Select(r => new DeadLetterSeen(
                        r.Message.Key,
                        r.Message.Value ?? [],
                        [.. (r.Message.Headers ?? []).Select(h => new KeyValuePair<string, byte[]>(h.Key, h.GetValueBytes() ?? []))]))
                    .Where(d => d.ConsumerGroup == service)
                    .ToList();
                if (seen.Count >= atLeast)
                {
                    return (IReadOnlyList<DeadLetterSeen>)seen;
                }

                if (clock.Elapsed > timeout)
                {
                    throw new TimeoutException($"Expected at least {atLeast} dead letter(s) of '{service}' in '{topic}' within {timeout.TotalSeconds:0} s; saw {seen.Count}.");
                }

                await Task.Delay(CheckInterval);
            }
        });

    public override Task DisposeAsync()
    {
        producer?.Dispose();
        producer = null;
        kafka?.Dispose();
        kafka = null;
        return Task.CompletedTask;
    }

    /// <summary>The next offset of every partition of <paramref name="topic"/>; none when it does not exist yet.</summary>
    private long[] HighWatermarks(string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = Kafka.BootstrapServers }).Build();
        var metadata = admin.GetMetadata(topic, RequestTimeout).Topics.Single();
        if (metadata.Error.IsError)
        {
            return [];
        }

        using var consumer = NewConsumer("watermarks-" + Guid.NewGuid().ToString("N"));
        return [.. metadata.Partitions.OrderBy(p => p.PartitionId).Select(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p.PartitionId), RequestTimeout).High.Value)];
    }

    /// <summary>Every record of <paramref name="topic"/> up to its current end.</summary>
    private List<ConsumeResult<byte[]?, byte[]?>> ReadAll(string topic)
    {
        var high = HighWatermarks(topic);
        var records = new List<ConsumeResult<byte[]?, byte[]?>>();
        if (high.Sum() == 0)
        {
            return records;
        }

        using var consumer = NewConsumer("reader-" + Guid.NewGuid().ToString("N"));
        consumer.Assign(Enumerable.Range(0, high.Length).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var clock = Stopwatch.StartNew();
        while (records.Count < high.Sum())
        {
            if (clock.Elapsed > RequestTimeout)
            {
                throw new TimeoutException($"Read {records.Count} of the {high.Sum()} records of '{topic}' within {RequestTimeout}.");
            }

            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false } record)
            {
                records.Add(record);
            }
        }

        return records;
    }

    // Never subscribes: it reads offsets and records without joining (or disturbing) the group it names.
    private IConsumer<byte[]?, byte[]?> NewConsumer(string group) =>
        new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = Kafka.BootstrapServers,
            GroupId = group,
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            FetchWaitMaxMs = 5,
        }).Build();
}
