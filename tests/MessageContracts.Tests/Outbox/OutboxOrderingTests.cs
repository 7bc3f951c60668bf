using System.Collections.Concurrent;
using System.Diagnostics;
using MessageContracts.Testing;
using MessageContracts.Tests.Faults.Support;
using Xunit;
using Xunit.Abstractions;

namespace MessageContracts.Tests.Outbox;

/// <summary>
/// Two relays share one PostgreSQL outbox: 10,000 messages over 100 keys, enqueued while both relays run, reach Kafka
/// each exactly once and, per key, in enqueue order; both relays did part of the work.
/// </summary>
[Collection(OutboxCollection.Name)]
public sealed class OutboxOrderingTests(ITestOutputHelper output)
{
    private const int Keys = 100;
    private const int PerKey = 100;
    private const int PerTransaction = 100;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Ten_thousand_messages_over_a_hundred_keys_arrive_in_per_key_order_through_two_relays()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic(OutboxProbes.Topic, partitions: 4);
        await using var database = await OutboxDatabase.CreateAsync(OutboxDatabase.PostgreSql);

        var relayedBy = new ConcurrentDictionary<string, int>();
        Action<MessageContractsOptions> Relay(string name) => options =>
        {
            database.Configure(options, inbox: false);
            options.Outbox.BatchSize = 200;
            options.Outbox.AfterPublishBeforeMarkSent = (rows, _) =>
            {
                relayedBy.AddOrUpdate(name, rows.Count, (_, n) => n + rows.Count);
                return Task.CompletedTask;
            };
        };

        await using var a = await OutboxHost.StartAsync(kafka, "relay-a", sink: null, Relay("relay-a"), output);
        await using var b = await OutboxHost.StartAsync(kafka, "relay-b", sink: null, Relay("relay-b"), output);

        // Sequence 0 of every key, then 1, ...: every transaction spans many keys, and the relays run meanwhile.
        var clock = Stopwatch.StartNew();
        var probes = Enumerable.Range(0, PerKey).SelectMany(sequence => Enumerable.Range(0, Keys).Select(key => new OutboxProbe($"key-{key}", sequence))).ToList();
        for (var i = 0; i < probes.Count; i += PerTransaction)
        {
            await database.PlaceOrderAsync(a.Outbox, $"order-{i}", probes.Skip(i).Take(PerTransaction));
        }

        var enqueued = clock.Elapsed;
        await Eventually.UntilAsync(async () => await database.UnsentAsync() == 0, Patience, () => "the relays did not send every row");
        var relayed = clock.Elapsed;

        var records = KafkaProbe.ReadAll(kafka.BootstrapServers, OutboxProbes.Topic);
        var ids = records.Select(r => KafkaProbe.Header(r, MessageHeaders.Id)).ToList();
        Assert.Equal(probes.Count, records.Count);
        Assert.Equal(probes.Count, ids.Distinct().Count());

        // Per key, in offset order of its partition: 0, 1, 2, ...
        var sequencesByKey = records
            .Select(r => Read<OutboxProbe>(r.Message.Value!))
            .GroupBy(p => p.Key)
            .ToDictionary(g => g.Key, g => g.Select(p => p.Sequence).ToList());
        Assert.Equal(Keys, sequencesByKey.Count);
        Assert.All(sequencesByKey, pair => Assert.True(
            pair.Value.SequenceEqual(Enumerable.Range(0, PerKey)),
            $"{pair.Key} arrived out of order: {string.Join(", ", pair.Value.Take(20))}..."));

        Assert.True(relayedBy.Count == 2 && relayedBy.Values.All(n => n > 0), $"both relays should have relayed part: {string.Join(", ", relayedBy)}");
        Assert.Equal(probes.Count, relayedBy.Values.Sum());
        output.WriteLine($"{probes.Count} messages: enqueued in {enqueued.TotalSeconds:0.00} s, all relayed after {relayed.TotalSeconds:0.00} s; by relay: {string.Join(", ", relayedBy.OrderBy(p => p.Key))}; partitions: {string.Join(", ", records.GroupBy(r => r.Partition.Value).OrderBy(g => g.Key).Select(g => g.Count()))}");
    }

    private static T Read<T>(byte[] payload)
        where T : IMessageContract<T> => T.Deserialize(payload);
}
