using System.Text;
using MessageContracts.RabbitMQ.Consuming;
using MessageContracts.RabbitMQ.Publishing;
using MessageContracts.RabbitMQ.Topology;
using RabbitMQ.Client;
using Xunit;

namespace MessageContracts.RabbitMQ.Tests;

/// <summary>The queue consumer: delivery to the callback, ack once it returns, nack on a throw, and the queues' dead-lettering and retry.</summary>
public sealed class ConsumingTests(RabbitMqVirtualHost vhost) : IClassFixture<RabbitMqVirtualHost>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_published_event_reaches_the_callback_with_its_attributes_and_is_acknowledged_once_the_callback_returns()
    {
        var connection = await vhost.ConnectAsync();
        var queue = await ProvisionAsync(connection, "round-trip", RabbitMqContract.Of<ParcelScanned>(), deliveryLimit: 5);
        await using var publisher = await ConfirmedPublisher.OpenAsync(connection, Timeout, CancellationToken.None);
        var message = TestMessages.Of(new ParcelScanned("p-1", "north"), source: "scanner", naming: new Prefixed("round-trip."));
        var log = new DeliveryLog();

        await using (await QueueConsumer.StartAsync(connection, queue, concurrency: 4, (delivery, _) => { log.Add(delivery); return Task.CompletedTask; }))
        {
            await publisher.PublishAsync(message, CancellationToken.None);
            await log.WaitUntilAsync(seen => seen.Count == 1, "the event");
        }

        var delivery = Assert.Single(log.All);
        Assert.Equal(queue, delivery.Queue);
        Assert.Equal(message.MessageId, delivery.MessageId);
        Assert.Equal(message.MessageType, delivery.MessageType);
        Assert.False(delivery.Redelivered);
        Assert.Equal(0, delivery.DeliveryCount);
        Assert.Equal(message.MessageId, delivery.Headers["ce_id"]);
        Assert.Equal(message.MessageType, delivery.Headers["ce_type"]);
        Assert.Equal("scanner", delivery.Headers["ce_source"]);
        Assert.Equal("1.0", delivery.Headers["ce_specversion"]);
        Assert.Equal("application/json", delivery.Headers["content-type"]);
        Assert.Equal(message.Time.UtcDateTime, DateTime.Parse(delivery.Headers["ce_time"], null, System.Globalization.DateTimeStyles.RoundtripKind));
        Assert.Equal("""{"parcelId":"p-1","depot":"north"}""", Encoding.UTF8.GetString(delivery.Body.Span));

        // Acknowledged: with the consumer's channel closed, nothing went back to the queue.
        Assert.Equal(0u, await TestMessages.ReadyCountAsync(connection, queue));
    }

    [Fact]
    public async Task A_delivery_whose_callback_keeps_failing_is_returned_until_the_delivery_limit_then_dead_lettered()
    {
        var connection = await vhost.ConnectAsync();
        var queue = await ProvisionAsync(connection, "poison", RabbitMqContract.Of<DeliverParcel>(), deliveryLimit: 2);
        await using var publisher = await ConfirmedPublisher.OpenAsync(connection, Timeout, CancellationToken.None);
        var message = TestMessages.Of(new DeliverParcel("p-2", "Elm 2"), naming: new Prefixed("poison."));
        var attempts = new DeliveryLog();
        var deadLetters = new DeliveryLog();

        await using (await QueueConsumer.StartAsync(connection, queue + ".dead-letter", 1, (delivery, _) => { deadLetters.Add(delivery); return Task.CompletedTask; }))
        await using (await QueueConsumer.StartAsync(connection, queue, 1, (delivery, _) => { attempts.Add(delivery); throw new InvalidOperationException("handler bug"); }))
        {
            await publisher.PublishAsync(message, CancellationToken.None);
            await deadLetters.WaitUntilAsync(seen => seen.Count == 1, "the dead-lettered command");
        }

        // x-delivery-limit 2: the first delivery and two redeliveries, then the dead-letter queue.
        Assert.Equal([0L, 1L, 2L], attempts.All.Select(delivery => delivery.DeliveryCount));
        Assert.All(attempts.All, delivery => Assert.Equal(message.MessageId, delivery.MessageId));
        Assert.Equal(message.MessageId, Assert.Single(deadLetters.All).MessageId);
    }

    [Fact]
    public async Task A_message_put_in_a_retry_queue_comes_back_to_its_queue_after_the_delay()
    {
        var connection = await vhost.ConnectAsync();
        var delay = TimeSpan.FromMilliseconds(300);
        var queue = await ProvisionAsync(connection, "retry", RabbitMqContract.Of<DeliverParcel>(), deliveryLimit: 5, retryDelay: delay);
        await using var publisher = await ConfirmedPublisher.OpenAsync(connection, Timeout, CancellationToken.None);
        var message = TestMessages.Of(new DeliverParcel("p-3", "Oak 3")) with
        {
            Route = new RabbitMqRoute("", queue + ".retry.300ms", Mandatory: true),
        };
        var log = new DeliveryLog();

        await using (await QueueConsumer.StartAsync(connection, queue, 1, (delivery, _) => { log.Add(delivery); return Task.CompletedTask; }))
        {
            await publisher.PublishAsync(message, CancellationToken.None);
            await log.WaitUntilAsync(seen => seen.Count == 1, "the retried command");
        }

        Assert.Equal(message.MessageId, Assert.Single(log.All).MessageId);
        Assert.Equal(0u, await TestMessages.ReadyCountAsync(connection, queue + ".retry.300ms"));
    }

    [Fact]
    public async Task Batches_acknowledge_their_settled_prefix_and_return_the_rest_when_the_settler_fails_so_each_message_is_settled_once()
    {
        var connection = await vhost.ConnectAsync();
        var queue = await ProvisionAsync(connection, "batches", RabbitMqContract.Of<DeliverParcel>(), deliveryLimit: 5);
        await using var publisher = await ConfirmedPublisher.OpenAsync(connection, Timeout, CancellationToken.None);
        var messages = Enumerable.Range(0, 12).Select(i => TestMessages.Of(new DeliverParcel($"p-{i}", "Ash 4"), naming: new Prefixed("batches."))).ToList();
        foreach (var message in messages)
        {
            await publisher.PublishAsync(message, CancellationToken.None);
        }

        var failing = messages[6].MessageId;
        var settled = new DeliveryLog();
        var failed = 0;
        var settings = new QueueConsumerSettings(Lanes: 2, Prefetch: 12, MaxBatch: 4);
        await using (await QueueConsumer.StartAsync(connection, queue, settings, (batch, _, report, _) =>
        {
            for (var i = 0; i < batch.Count; i++)
            {
                if (batch[i].MessageId == failing && Interlocked.Exchange(ref failed, 1) == 0)
                {
                    // The deliveries before it are settled (acknowledged); it and those after it go back to the queue.
                    throw new InvalidOperationException("store down");
                }

                settled.Add(batch[i]);
                report(i);
            }

            return Task.CompletedTask;
        }))
        {
            await settled.WaitUntilAsync(seen => seen.Select(delivery => delivery.MessageId).Distinct().Count() == messages.Count, "every message settled");
        }

        // Acknowledged prefixes never come back, returned deliveries come once more: each message settled exactly once.
        Assert.Equal(messages.Select(message => message.MessageId).Order(), settled.All.Select(delivery => delivery.MessageId!).Order());
        Assert.True(settled.All.Single(delivery => delivery.MessageId == failing).Redelivered);
        Assert.Equal(0u, await TestMessages.ReadyCountAsync(connection, queue));
    }

    private async Task<string> ProvisionAsync(IConnection connection, string prefix, RabbitMqContract contract, int deliveryLimit, TimeSpan? retryDelay = null)
    {
        var builder = new RabbitMqTopologyBuilder("consumer", new RabbitMqTopologyOptions
        {
            Naming = new Prefixed(prefix + "."),
            RetryDelays = retryDelay is { } delay ? [delay] : [],
            DeliveryLimit = deliveryLimit,
        });
        var topology = builder.Consumes(contract).Build();
        await TopologyProvisioner.EnsureAsync(connection, vhost.Name, topology, vhost.Management, CancellationToken.None);
        return builder.ConsumedQueue(contract);
    }

    private sealed class Prefixed(string prefix) : RabbitMqNaming
    {
        public override string EventExchange(RabbitMqContract contract) => prefix + base.EventExchange(contract);

        public override string EventQueue(RabbitMqContract contract, string service) => prefix + base.EventQueue(contract, service);

        public override string CommandQueue(RabbitMqContract contract) => prefix + base.CommandQueue(contract);
    }
}
