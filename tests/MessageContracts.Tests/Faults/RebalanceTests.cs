using MessageContracts.Testing;
using MessageContracts.Tests.Faults.Support;
using Xunit;
using Xunit.Abstractions;

namespace MessageContracts.Tests.Faults;

/// <summary>
/// A second instance joins the group while the first one's handlers are running: partitions are revoked mid-stream
/// (what is done is committed, the record in progress finishes, the queued rest is dropped and read again by the new
/// owner). With one deduplication store shared by both, nothing is lost and nothing has two effects.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class RebalanceTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(25);

    [Fact]
    public async Task No_message_is_lost_or_doubled_when_a_second_instance_joins_while_handlers_run()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic(Probes.Topic, partitions: 4);
        kafka.CreateTopic(Probes.DeadLetterTopic);
        var group = "faults-" + Guid.NewGuid().ToString("N");
        var effects = new FaultEffects();
        using var metrics = new FaultMetrics(Probes.Topic);
        var deduplication = new InMemoryDeduplicationStore();
        await using var first = await FaultHost.StartAsync(kafka, group, "first", output, effects, deduplication);
        await Eventually.UntilAsync(() => first.CurrentAssignment() == 4, Patience, () => "the first instance was not assigned the partitions");

        // Slow handlers: the first instance alone would need several seconds for all of them.
        var published = await first.PublishAllAsync(Probes.Create(keys: 8, perKey: 30, FaultProbeBehaviors.Slow));
        await Eventually.UntilAsync(() => effects.Count >= 20, Patience, () => "the first instance did not get going");

        await using var second = await FaultHost.StartAsync(kafka, group, "second", output, effects, deduplication);
        await Eventually.UntilAsync(
            () => second.CurrentAssignment() > 0,
            Patience,
            () => "the second instance was never assigned partitions");
        var doneAtRebalance = effects.Count;

        await KafkaProbe.WaitUntilCommittedToEndAsync(kafka.BootstrapServers, group, Probes.Topic, Patience);

        var byInstance = effects.Snapshot().GroupBy(e => e.Instance).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"{doneAtRebalance} of {published.Length} handled when the second instance got partitions; "
            + string.Join(", ", byInstance.Select(p => $"{p.Key}: {p.Value}"))
            + $"; {metrics[FaultMetrics.DuplicatesDropped]} redeliveries dropped as duplicates");

        // The rebalance happened mid-stream: both instances handled messages, and the first one had partitions revoked.
        Assert.True(doneAtRebalance < published.Length, "everything was handled before the second instance joined");
        Assert.True(byInstance.GetValueOrDefault("second") > 0, "the second instance handled nothing");
        Assert.True(first.Logs.Any(e => e.Message.Contains(" revoked ", StringComparison.Ordinal)), "the first instance had nothing revoked");
        Probes.AssertEachHadExactlyOneEffect(published.Select(r => r.MessageId), effects.CountsById());
        Probes.AssertPerKeyOrder(effects.Snapshot());
        Assert.Empty(KafkaProbe.ReadAll(kafka.BootstrapServers, Probes.DeadLetterTopic));
    }
}
