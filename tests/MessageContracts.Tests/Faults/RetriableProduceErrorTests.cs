using Confluent.Kafka;
using Faults.Contracts;
using MessageContracts.Testing;
using MessageContracts.Tests.Faults.Support;
using Xunit;
using Xunit.Abstractions;

namespace MessageContracts.Tests.Faults;

/// <summary>Retriable errors on Produce (a leader change, a broker timeout): the producer retries, and nothing is lost, doubled or reordered.</summary>
[Collection(FaultsCollection.Name)]
public sealed class RetriableProduceErrorTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Every_message_is_handled_once_in_key_order_when_produce_requests_fail_with_retriable_errors()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic(Probes.Topic, partitions: 3);
        kafka.CreateTopic(Probes.DeadLetterTopic);
        kafka.CreateTopic("faults.other");
        var group = "faults-" + Guid.NewGuid().ToString("N");
        await using var host = await FaultHost.StartAsync(kafka, group, output: output);

        // The next eight Produce requests, whichever partitions they carry, are refused with retriable errors.
        kafka.PushRequestErrors(
            KafkaApiKey.Produce,
            ErrorCode.NotLeaderForPartition,
            ErrorCode.RequestTimedOut,
            ErrorCode.NotLeaderForPartition,
            ErrorCode.RequestTimedOut,
            ErrorCode.NotLeaderForPartition,
            ErrorCode.RequestTimedOut,
            ErrorCode.NotLeaderForPartition,
            ErrorCode.RequestTimedOut);
        var probes = Probes.Create(keys: 6, perKey: 20);
        var published = await host.PublishAllAsync(probes);

        Assert.All(published, result => Assert.True(result.Delivered));

        // Every pushed error was served to those publishes: a producer that never retries now gets through at once.
        using (var noRetries = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, MessageSendMaxRetries = 0 }).Build())
        {
            await noRetries.ProduceAsync("faults.other", new Message<Null, string> { Value = "after the errors" });
        }

        await KafkaProbe.WaitUntilCommittedToEndAsync(kafka.BootstrapServers, group, Probes.Topic, Patience);

        // The errors were served and retried: the log holds each message once (a refused request appends nothing).
        Assert.Equal(probes.Count, KafkaProbe.HighWatermarks(kafka.BootstrapServers, Probes.Topic).Sum());
        Probes.AssertEachHadExactlyOneEffect(published.Select(r => r.MessageId), host.Effects.CountsById());
        Probes.AssertPerKeyOrder(host.Effects.Snapshot());
        Assert.Empty(KafkaProbe.ReadAll(kafka.BootstrapServers, Probes.DeadLetterTopic));
    }
}
