using MessageContracts.Testing;
using MessageContracts.Tests.Faults.Support;
using MessageContracts.Tests.Outbox;
using MessageContracts.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace MessageContracts.Tests.Producing;

/// <summary>
/// <c>[MessageId]</c>: the message ID is a function of the contract's message type and the member's value, the same in
/// every producer, so one business fact published twice (by two instances, after a restart, through the outbox) is
/// handled once.
/// </summary>
public sealed class BusinessMessageIdTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Theory]
    // The algorithm is documented in docs/contracts.md; these vectors let other producers check their implementation.
    [InlineData("PaymentCaptured", "pay-42", "b9c34e1f-887e-8f31-9ec6-e9391ad24fed")]
    [InlineData("PaymentRefunded", "pay-42", "2737a51b-ea5f-8139-8f77-6c6f91cb3781")]
    [InlineData("OrderPlaced", "0f8fad5b-d9cb-469f-a165-70867728950e", "0776e1b5-706b-8730-acad-4fab9e43278c")]
    [InlineData("Caf\u00e9Opened", "\u00e9t\u00e9", "754dac52-9b2c-8765-bc3d-4df5baf46471")]
    public void A_derived_id_is_the_documented_name_based_uuid(string messageType, string value, string expected)
    {
        var id = MessageIds.Derive(messageType, value);

        Assert.Equal(expected, id);
        Assert.Equal(8, Guid.Parse(id).Version);
        Assert.Null(MessageIdRules.FindProblem(id));
    }

    [Fact]
    public void The_same_type_and_value_give_the_same_id_and_any_difference_another()
    {
        var time = TimeProvider.System;
        var captured = MessageIds.For(new PaymentCaptured("pay-1", 10m), time);

        Assert.Equal(captured, MessageIds.For(new PaymentCaptured("pay-1", 99m), time)); // the amount is not part of it
        Assert.NotEqual(captured, MessageIds.For(new PaymentCaptured("pay-2", 10m), time));
        Assert.NotEqual(captured, MessageIds.For(new PaymentRefunded("pay-1", 10m), time));

        // A contract without [MessageId] gets a new UUIDv7 each time.
        var order = new OrderPlaced(Guid.NewGuid(), "c", 1m);
        Assert.NotEqual(MessageIds.For(order, time), MessageIds.For(order, time));
    }

    [Fact]
    public async Task One_fact_published_by_two_producer_instances_is_handled_once()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic("payment-captured", partitions: 3);
        kafka.CreateTopic("payment-refunded", partitions: 3);
        await using var consumer = await StartHostAsync(kafka, "payments-consumer", consume: true);
        await using var producerA = await StartHostAsync(kafka, "payments-a", consume: false);
        await using var producerB = await StartHostAsync(kafka, "payments-b", consume: false);
        var fromA = producerA.Services.GetRequiredService<IEventPublisher<PaymentCaptured>>();
        var fromB = producerB.Services.GetRequiredService<IEventPublisher<PaymentCaptured>>();

        var first = await fromA.PublishAsync(new PaymentCaptured("pay-42", 10m));
        var second = await fromB.PublishAsync(new PaymentCaptured("pay-42", 10m));
        var third = await fromA.PublishAsync(new PaymentCaptured("pay-42", 10m));
        var other = await fromB.PublishAsync(new PaymentCaptured("pay-43", 10m));
        var refund = await producerB.Services.GetRequiredService<IEventPublisher<PaymentRefunded>>().PublishAsync(new PaymentRefunded("pay-42", 10m));

        // A marker after the copies, on their partition (same key): once it is handled, so were the copies before it.
        var marker = await fromB.PublishAsync(new PaymentCaptured("pay-42", 0m), new PublishOptions { MessageId = "marker" });
        var captured = consumer.Services.GetRequiredService<Received<PaymentCaptured>>();
        await captured.WaitUntilAsync(seen => seen.Any(s => s.Context.MessageId == "marker") && seen.Any(s => s.Context.MessageId == other.MessageId), Patience, "the marker and pay-43");
        await consumer.Services.GetRequiredService<Received<PaymentRefunded>>().WaitForCountAsync(1, Patience);

        Assert.Equal(MessageIds.Derive("PaymentCaptured", "pay-42"), first.MessageId);
        Assert.Equal(first.MessageId, second.MessageId);
        Assert.Equal(first.MessageId, third.MessageId);
        Assert.Equal(3, new[] { first.Offset, second.Offset, third.Offset }.Distinct().Count()); // three records, one ID
        Assert.NotEqual(first.MessageId, other.MessageId);
        Assert.NotEqual(first.MessageId, refund.MessageId);
        Assert.Equal(first.Partition, marker.Partition);

        var handled = captured.Snapshot().Where(s => s.Context.MessageId == first.MessageId).ToList();
        Assert.Single(handled);
        Assert.Equal("pay-42", handled[0].Message.PaymentId);
        Assert.Equal(3, KafkaProbe.ReadAll(kafka.BootstrapServers, "payment-captured").Count(r => KafkaProbe.Header(r, MessageHeaders.Id) == first.MessageId));
        Assert.Equal(refund.MessageId, Assert.Single(consumer.Services.GetRequiredService<Received<PaymentRefunded>>().Snapshot()).Context.MessageId);
    }

    [Fact]
    public async Task A_given_id_wins_over_the_derived_one()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic("payment-captured");
        await using var producer = await StartHostAsync(kafka, "payments-given", consume: false);
        var publisher = producer.Services.GetRequiredService<IEventPublisher<PaymentCaptured>>();

        var given = await publisher.PublishAsync(new PaymentCaptured("pay-7", 1m), new PublishOptions { MessageId = "given-7" });
        var derived = await publisher.PublishAsync(new PaymentCaptured("pay-7", 1m), new PublishOptions());
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => publisher.PublishAsync(new PaymentCaptured("", 1m)));

        Assert.Equal("given-7", given.MessageId);
        Assert.Equal(MessageIds.Derive("PaymentCaptured", "pay-7"), derived.MessageId);
        Assert.Contains("The [MessageId] member 'PaymentId' is empty", refused.Message);
    }

    [Theory]
    [InlineData(OutboxDatabase.Sqlite)]
    [InlineData(OutboxDatabase.PostgreSql)]
    public async Task The_outbox_enqueues_with_the_derived_id_and_keeps_one_row_per_fact(string provider)
    {
        await using var database = await OutboxDatabase.CreateAsync(provider);
        await using var services = new ServiceCollection()
            .AddLogging()
            .AddMessageContracts(options =>
            {
                options.BootstrapServers = "127.0.0.1:1"; // nothing is produced: the relay is not started
                database.Configure(options, inbox: false);
            })
            .BuildServiceProvider();
        var outbox = services.GetRequiredService<IOutbox>();

        var ids = new List<string>();
        for (var transactionNumber = 0; transactionNumber < 2; transactionNumber++)
        {
            await using var connection = await database.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            ids.Add(await outbox.EnqueueAsync(new PaymentCaptured("pay-9", 5m), transaction));
            ids.Add(await outbox.EnqueueAsync(new PaymentCaptured("pay-10", 5m), transaction));
            await transaction.CommitAsync();
        }

        Assert.Equal(
            [MessageIds.Derive("PaymentCaptured", "pay-9"), MessageIds.Derive("PaymentCaptured", "pay-10"), MessageIds.Derive("PaymentCaptured", "pay-9"), MessageIds.Derive("PaymentCaptured", "pay-10")],
            ids);
        Assert.Equal(2, await database.CountAsync(database.OutboxTable));
    }

    private static async Task<RunningHost> StartHostAsync(EmbeddedKafka kafka, string name, bool consume)
    {
        var host = new HostBuilder()
            .ConfigureServices(services =>
            {
                services.AddSingleton<Received<PaymentCaptured>>();
                services.AddSingleton<Received<PaymentRefunded>>();
                services.AddMessageContracts(
                    options =>
                    {
                        options.UseEmbeddedKafka(kafka);
                        options.ServiceName = name;
                        options.ConsumerGroup = name + "-" + Guid.NewGuid().ToString("N");
                        options.DeduplicationStore = new InMemoryDeduplicationStore();
                    },
                    handlerType => consume && handlerType == typeof(PaymentHandler));
            })
            .Build();
        await host.StartAsync();
        return new RunningHost(host);
    }

    /// <summary>A started host that is stopped, then disposed.</summary>
    private sealed class RunningHost(IHost host) : IAsyncDisposable
    {
        public IServiceProvider Services => host.Services;

        public async ValueTask DisposeAsync()
        {
            await host.StopAsync();
            host.Dispose();
        }
    }
}
