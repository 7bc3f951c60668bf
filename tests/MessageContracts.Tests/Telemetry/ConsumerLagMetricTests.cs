using Faults.Contracts;
using MessageContracts.Testing;
using MessageContracts.Tests.Faults.Support;
using MessageContracts.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;

namespace MessageContracts.Tests.Telemetry;

/// <summary>
/// <c>messagecontracts.consumer.lag</c> observed from a real consumer on the embedded Kafka: a handler held at a gate
/// keeps the stored offset where it is while later records arrive, so the lag is the records behind it; it falls to 0
/// once the gate opens and the records are processed.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class ConsumerLagMetricTests(ITestOutputHelper output)
{
    private const string Lag = "messagecontracts.consumer.lag";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Lag_is_the_high_watermark_minus_the_stored_offset_per_partition()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic(Probes.Topic, partitions: 1);
        kafka.CreateTopic(Probes.DeadLetterTopic);
        var group = "lag-" + Guid.NewGuid().ToString("N");
        var gate = new FaultGate();
        await using var host = await FaultHost.StartAsync(kafka, group, output: output, gate: gate,
            configure: options => options.ConsumerSettings["statistics.interval.ms"] = "100");
        using var gauges = new GaugeReader(host.Services.GetRequiredService<ConsumerLagMetrics>().Meter);
        (string, string)[] partition0 = [("messaging.destination.name", Probes.Topic), ("messaging.destination.partition.id", "0"), ("messaging.consumer.group.name", group)];

        // One record processed and its offset stored: nothing behind.
        await host.PublishAllAsync(Probes.Create(keys: 1, perKey: 1, prefix: "first"));
        await Eventually.UntilAsync(() => host.Effects.Count >= 1, Patience, () => "the first record was not handled");
        await UntilLagAsync(gauges, partition0, 0);

        // The next record holds its handler: it and the four after it are behind the stored offset (1), the end is 6.
        var held = await host.PublishAllAsync([new FaultProbe("held", 0, FaultProbeBehaviors.Hold)]);
        await gate.Arrived(held[0].MessageId).WaitAsync(Patience);
        await host.PublishAllAsync(Probes.Create(keys: 1, perKey: 4, prefix: "after"));
        await UntilLagAsync(gauges, partition0, 5);
        var measurement = gauges.Collect().Single(g => g.Instrument == Lag && Equals(g.Tags["messaging.destination.name"], Probes.Topic));
        Assert.Equal("{message}", measurement.Unit);
        Assert.Equal("kafka", measurement.Tags["messaging.system"]);

        gate.Open(held[0].MessageId);
        await UntilLagAsync(gauges, partition0, 0);
    }

    private static async Task UntilLagAsync(GaugeReader gauges, (string, string)[] tags, long expected)
    {
        double? last = null;
        await Eventually.UntilAsync(
            () => (last = gauges.Value(Lag, tags)) == expected,
            Patience,
            () => $"the lag stayed {last?.ToString() ?? "unreported"}, not {expected}");
    }
}
