using MessageContracts.Testing;
using MessageContracts.Tests.Faults.Support;
using Microsoft.Extensions.Logging;
using Xunit;
using Xunit.Abstractions;

namespace MessageContracts.Tests.Faults;

/// <summary>
/// Every broker goes down mid-stream, long enough for the consumer to lose its group membership, and comes back: the
/// producer holds the publishes made meanwhile, the consumer abandons its partitions without committing and reads them
/// again from the last commit, and the deduplication store drops what had been handled already. Nothing is lost.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class AllBrokersDownTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Nothing_is_lost_or_doubled_when_every_broker_is_down_for_seconds_mid_stream()
    {
        await using var kafka = await EmbeddedKafka.StartAsync(new EmbeddedKafkaOptions { BrokerCount = 3 });
        kafka.CreateTopic(Probes.Topic, partitions: 3, replicationFactor: 3);
        kafka.CreateTopic(Probes.DeadLetterTopic);
        var group = "faults-" + Guid.NewGuid().ToString("N");
        using var metrics = new FaultMetrics(Probes.Topic);
        await using var host = await FaultHost.StartAsync(kafka, group, output: output);

        // Mid-stream: slow handlers are working through the first messages when the brokers go.
        var first = await host.PublishAllAsync(Probes.Create(keys: 4, perKey: 15, FaultProbeBehaviors.Slow, prefix: "first"));
        await Eventually.UntilAsync(() => host.Effects.Count >= 5, Patience, () => "the first messages were not being handled");

        kafka.SetBrokerDown(EmbeddedKafka.AllBrokers);
        var duringOutage = host.PublishAllAsync(Probes.Create(keys: 4, perKey: 10, prefix: "during"));

        // Down until the clients have seen it and the consumer has given up its partitions as lost (it cannot
        // heartbeat for its session timeout: a few seconds); the publishes made meanwhile are not acknowledged.
        await Eventually.UntilAsync(
            () => Reported(host, "KafkaProducerConnection", "AllBrokersDown")
                && Reported(host, "MessageConsumerService", "AllBrokersDown")
                && Reported(host, "MessageConsumerService", " lost "),
            Patience,
            () => "the clients did not report the brokers down and the partitions lost");
        Assert.False(duringOutage.IsCompleted, "publishes completed while every broker was down");
        var handledBeforeUp = host.Effects.Count;
        kafka.SetBrokerUp(EmbeddedKafka.AllBrokers);

        var during = await duringOutage.WaitAsync(Patience);
        var after = await host.PublishAllAsync(Probes.Create(keys: 4, perKey: 5, prefix: "after"));
        var published = first.Concat(during).Concat(after).ToList();
        await KafkaProbe.WaitUntilCommittedToEndAsync(kafka.BootstrapServers, group, Probes.Topic, Patience);

        output.WriteLine($"{handledBeforeUp} of {first.Length} first messages were handled before the brokers came back; "
            + $"{metrics[FaultMetrics.DuplicatesDropped]} redeliveries were dropped as duplicates");
        Assert.All(published, result => Assert.True(result.Delivered));
        Assert.Equal(published.Count, KafkaProbe.HighWatermarks(kafka.BootstrapServers, Probes.Topic).Sum());
        Probes.AssertEachHadExactlyOneEffect(published.Select(r => r.MessageId), host.Effects.CountsById());
        Probes.AssertPerKeyOrder(host.Effects.Snapshot());
        Assert.Empty(KafkaProbe.ReadAll(kafka.BootstrapServers, Probes.DeadLetterTopic));
    }

    private static bool Reported(FaultHost host, string categorySuffix, string text) =>
        host.Logs.Any(e => e.Level >= LogLevel.Warning
            && e.Category.EndsWith(categorySuffix, StringComparison.Ordinal)
            && e.Message.Contains(text, StringComparison.Ordinal));
}
