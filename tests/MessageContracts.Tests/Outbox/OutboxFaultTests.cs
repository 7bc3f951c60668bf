using MessageContracts.Testing;
using MessageContracts.Tests.Faults.Support;
using Xunit;
using Xunit.Abstractions;

namespace MessageContracts.Tests.Outbox;

/// <summary>
/// The outbox's promise under faults, on the embedded Kafka with SQLite and PostgreSQL: a message is published if and
/// only if its transaction committed, whatever point the writer or the relay stopped at; a message the relay publishes
/// twice still has its effect once (the consumer's inbox drops the repeat). Waits are on observed state, never sleeps.
/// </summary>
[Collection(OutboxCollection.Name)]
public sealed class OutboxFaultTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(OutboxDatabase.Sqlite)]
    [InlineData(OutboxDatabase.PostgreSql)]
    public async Task A_rolled_back_transaction_publishes_nothing(string provider)
    {
        await using var kafka = await StartKafkaAsync();
        await using var database = await OutboxDatabase.CreateAsync(provider);
        var sink = new OutboxProbeSink(database.EffectsTable);
        await using var service = await OutboxHost.StartAsync(kafka, "service", sink, options => database.Configure(options), output);

        var rolledBack = await database.PlaceOrderAsync(service.Outbox, "order-1", [new OutboxProbe("order-1", 0)], commit: false);
        var committed = await database.PlaceOrderAsync(service.Outbox, "order-2", [new OutboxProbe("order-2", 0)]);

        // The relay publishes in sequence order: once the later, committed message was handled, the rolled-back one
        // would have been published before it.
        await Eventually.UntilAsync(async () => (await database.EffectsByIdAsync()).ContainsKey(committed[0]), Patience, () => "the committed message was not handled");
        var records = KafkaProbe.ReadAll(kafka.BootstrapServers, OutboxProbes.Topic);
        Assert.Equal(committed, records.Select(r => KafkaProbe.Header(r, MessageHeaders.Id)));
        Assert.DoesNotContain(rolledBack[0], (await database.EffectsByIdAsync()).Keys);
        Assert.Equal(0, await database.CountAsync(database.OrdersTable, "order_id = 'order-1'"));
        Assert.Equal(1, await database.CountAsync(database.OutboxTable));
    }

    [Theory]
    [InlineData(OutboxDatabase.Sqlite)]
    [InlineData(OutboxDatabase.PostgreSql)]
    public async Task A_message_committed_by_a_process_that_stopped_before_publishing_is_published_by_a_later_relay(string provider)
    {
        await using var kafka = await StartKafkaAsync();
        await using var database = await OutboxDatabase.CreateAsync(provider);

        // The writer commits and stops before any relay ran.
        List<string> ids;
        await using (var writer = await OutboxHost.StartAsync(kafka, "writer", sink: null, options =>
        {
            database.Configure(options, inbox: false);
            options.Outbox.RunRelay = false;
        }, output))
        {
            ids = await database.PlaceOrderAsync(writer.Outbox, "order-1", [new OutboxProbe("order-1", 0), new OutboxProbe("order-1", 1), new OutboxProbe("order-1", 2)]);
        }

        Assert.Equal(0, KafkaProbe.HighWatermarks(kafka.BootstrapServers, OutboxProbes.Topic).Sum());
        Assert.Equal(3, await database.UnsentAsync());

        // A new process with a relay publishes them, and its consumer handles each once, in order.
        var sink = new OutboxProbeSink(database.EffectsTable);
        await using var relay = await OutboxHost.StartAsync(kafka, "relay", sink, options => database.Configure(options), output);
        await Eventually.UntilAsync(async () => (await database.EffectsByIdAsync()).Count == 3, Patience, () => "the three committed messages were not all handled");
        await Eventually.UntilAsync(async () => await database.UnsentAsync() == 0, Patience, () => "the relay did not mark the rows sent");

        var records = KafkaProbe.ReadAll(kafka.BootstrapServers, OutboxProbes.Topic);
        Assert.Equal(ids, records.Select(r => KafkaProbe.Header(r, MessageHeaders.Id)));
        Probes.AssertEachHadExactlyOneEffect(ids, await database.EffectsByIdAsync());
    }

    [Theory]
    [InlineData(OutboxDatabase.Sqlite)]
    [InlineData(OutboxDatabase.PostgreSql)]
    public async Task A_relay_that_dies_between_publishing_and_marking_sent_publishes_again_and_the_effect_happens_once(string provider)
    {
        await using var kafka = await StartKafkaAsync();
        await using var database = await OutboxDatabase.CreateAsync(provider);
        var published = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);

        List<string> ids;
        await using (var dying = await OutboxHost.StartAsync(kafka, "dying", sink: null, options =>
        {
            database.Configure(options, inbox: false);

            // Kafka acknowledged the batch; the relay "dies" here, before marking it sent (it stops with the host).
            options.Outbox.AfterPublishBeforeMarkSent = async (rows, token) =>
            {
                published.TrySetResult(rows.Count);
                await Task.Delay(Timeout.InfiniteTimeSpan, token);
            };
        }, output))
        {
            ids = await database.PlaceOrderAsync(dying.Outbox, "order-1", [.. Enumerable.Range(0, 5).Select(i => new OutboxProbe("order-1", i))]);
            Assert.Equal(5, await published.Task.WaitAsync(Patience));
        }

        Assert.Equal(5, KafkaProbe.HighWatermarks(kafka.BootstrapServers, OutboxProbes.Topic).Sum());
        Assert.Equal(5, await database.UnsentAsync());

        // The next relay publishes the same rows again; the consumer's inbox drops the second copies.
        var sink = new OutboxProbeSink(database.EffectsTable);
        await using var relay = await OutboxHost.StartAsync(kafka, "relay", sink, options => database.Configure(options), output);
        await Eventually.UntilAsync(async () => await database.UnsentAsync() == 0, Patience, () => "the second relay did not publish and mark the rows");
        await Eventually.UntilAsync(async () => await database.CountAsync(database.InboxTable) == 5, Patience, () => "the consumer did not settle the five messages");
        await Eventually.UntilAsync(
            () => relay.Logs.Snapshot().Count(e => e.Message.StartsWith("Duplicate message ", StringComparison.Ordinal)) == 5,
            Patience,
            () => "the consumer did not drop the five repeats as duplicates");

        var records = KafkaProbe.ReadAll(kafka.BootstrapServers, OutboxProbes.Topic);
        Assert.Equal([.. ids, .. ids], records.Select(r => KafkaProbe.Header(r, MessageHeaders.Id)));
        Probes.AssertEachHadExactlyOneEffect(ids, await database.EffectsByIdAsync());
        Assert.Equal(5, sink.TotalAttempts);
    }

    private static async Task<EmbeddedKafka> StartKafkaAsync()
    {
        var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic(OutboxProbes.Topic, partitions: 1);
        return kafka;
    }
}
