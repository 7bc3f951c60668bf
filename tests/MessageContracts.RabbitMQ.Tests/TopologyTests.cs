using MessageContracts.RabbitMQ.Publishing;
using MessageContracts.RabbitMQ.Topology;
using RabbitMQ.Client;
using Xunit;

namespace MessageContracts.RabbitMQ.Tests;

/// <summary>The topology derived from the contracts, as the broker holds it after provisioning, and the startup check.</summary>
public sealed class TopologyTests(RabbitMqVirtualHost vhost) : IClassFixture<RabbitMqVirtualHost>
{
    private static readonly RabbitMqContract Scanned = RabbitMqContract.Of<ParcelScanned>();
    private static readonly RabbitMqContract Deliver = RabbitMqContract.Of<DeliverParcel>();

    private static RabbitMqTopologyOptions Options(int deliveryLimit = 20) => new()
    {
        RetryDelays = [TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(1)],
        DeliveryLimit = deliveryLimit,
    };

    [Fact]
    public void Names_follow_the_topic_and_the_service()
    {
        var builder = new RabbitMqTopologyBuilder("billing", Options());
        var topology = builder.Consumes(Scanned).Consumes(Deliver).Build();

        Assert.Equal(["tests.parcel-scanned"], topology.Exchanges.Select(exchange => exchange.Name));
        Assert.Equal(
            [
                "tests.deliver-parcel", "tests.deliver-parcel.dead-letter", "tests.deliver-parcel.retry.1m", "tests.deliver-parcel.retry.5s",
                "tests.parcel-scanned.billing", "tests.parcel-scanned.billing.dead-letter", "tests.parcel-scanned.billing.retry.1m", "tests.parcel-scanned.billing.retry.5s",
            ],
            topology.Queues.Select(queue => queue.Name));
        Assert.Equal([new BindingDeclaration("tests.parcel-scanned", "tests.parcel-scanned.billing", "")], topology.Bindings);
        Assert.Equal(new RabbitMqRoute("", "tests.deliver-parcel", Mandatory: true), RabbitMqTopologyBuilder.RouteOf(Deliver, RabbitMqNaming.Default));
        Assert.Equal(new RabbitMqRoute("tests.parcel-scanned", "", Mandatory: false), RabbitMqTopologyBuilder.RouteOf(Scanned, RabbitMqNaming.Default));
    }

    [Fact]
    public void A_publisher_declares_the_exchanges_of_its_events_and_never_a_commands_queue()
    {
        var topology = new RabbitMqTopologyBuilder("dispatch", Options()).Publishes(Scanned).Publishes(Deliver).Build();

        Assert.Equal(["tests.parcel-scanned"], topology.Exchanges.Select(exchange => exchange.Name));
        Assert.Empty(topology.Queues);
        Assert.Empty(topology.Bindings);
    }

    [Fact]
    public void The_consumed_contracts_come_from_the_generated_modules_handlers()
    {
        // The module initializer registers this assembly's generated module when the assembly loads.
        var handled = RabbitMqContract.HandledBy(MessageContracts.Infrastructure.GeneratedMessageModules.All);

        Assert.Contains(Deliver, handled);
        Assert.DoesNotContain(Scanned, handled);
    }

    [Fact]
    public void A_delivery_limit_not_above_the_retry_count_is_refused()
    {
        var exception = Assert.Throws<ArgumentException>(() => new RabbitMqTopologyBuilder("billing", Options(deliveryLimit: 2)));
        Assert.Contains("must exceed the number of retries (2)", exception.Message);
    }

    [Fact]
    public async Task The_broker_holds_a_fanout_exchange_a_quorum_queue_per_service_the_command_queue_retry_and_dead_letter_queues()
    {
        var connection = await vhost.ConnectAsync();
        var billing = new RabbitMqTopologyBuilder("billing", Options()).Consumes(Scanned).Consumes(Deliver).Build();
        var tracking = new RabbitMqTopologyBuilder("tracking", Options()).Consumes(Scanned).Build();
        await TopologyProvisioner.EnsureAsync(connection, vhost.Name, billing, vhost.Management, CancellationToken.None);
        await TopologyProvisioner.EnsureAsync(connection, vhost.Name, tracking, vhost.Management, CancellationToken.None);

        var exchange = await vhost.Management.GetExchangeAsync(vhost.Name, "tests.parcel-scanned", CancellationToken.None);
        Assert.NotNull(exchange);
        Assert.Equal("fanout", exchange.Type);
        Assert.True(exchange.Durable);

        foreach (var name in new[] { "tests.parcel-scanned.billing", "tests.parcel-scanned.tracking", "tests.deliver-parcel" })
        {
            var queue = await vhost.Management.GetQueueAsync(vhost.Name, name, CancellationToken.None);
            Assert.NotNull(queue);
            Assert.True(queue.Durable, name);
            Assert.Equal("quorum", queue.Type);
            Assert.Equal("20", queue.Arguments["x-delivery-limit"]);
            Assert.Equal("", queue.Arguments["x-dead-letter-exchange"]);
            Assert.Equal(name + ".dead-letter", queue.Arguments["x-dead-letter-routing-key"]);
            Assert.Equal("at-least-once", queue.Arguments["x-dead-letter-strategy"]);

            var deadLetters = await vhost.Management.GetQueueAsync(vhost.Name, name + ".dead-letter", CancellationToken.None);
            Assert.NotNull(deadLetters);
            Assert.Equal("quorum", deadLetters.Type);

            var retry = await vhost.Management.GetQueueAsync(vhost.Name, name + ".retry.5s", CancellationToken.None);
            Assert.NotNull(retry);
            Assert.Equal("5000", retry.Arguments["x-message-ttl"]);
            Assert.Equal(name, retry.Arguments["x-dead-letter-routing-key"]);
        }

        // Fan-out: one event lands in each service's queue.
        await using var publisher = await ConfirmedPublisher.OpenAsync(connection, TimeSpan.FromSeconds(10), CancellationToken.None);
        await publisher.PublishAsync(TestMessages.Of(new ParcelScanned("p-1", "north")), CancellationToken.None);
        Assert.Equal(1u, await TestMessages.ReadyCountAsync(connection, "tests.parcel-scanned.billing"));
        Assert.Equal(1u, await TestMessages.ReadyCountAsync(connection, "tests.parcel-scanned.tracking"));

        // Provisioning again is a no-op: the declared topology matches the broker's.
        await TopologyProvisioner.EnsureAsync(connection, vhost.Name, billing, vhost.Management, CancellationToken.None);
    }

    [Fact]
    public async Task A_queue_with_other_arguments_fails_startup_with_a_diff_naming_the_argument()
    {
        var connection = await vhost.ConnectAsync();
        var naming = new PrefixedNaming("mismatch-a.");
        var topology = new RabbitMqTopologyBuilder("billing", new RabbitMqTopologyOptions { Naming = naming, RetryDelays = [] })
            .Consumes(Deliver).Build();
        var queue = topology.Queue("mismatch-a.tests.deliver-parcel");
        await DeclareWithDeliveryLimitAsync(connection, queue, 5);

        var exception = await Assert.ThrowsAsync<TopologyMismatchException>(
            () => TopologyProvisioner.EnsureAsync(connection, vhost.Name, topology, vhost.Management, CancellationToken.None));

        Assert.Equal(["queue 'mismatch-a.tests.deliver-parcel': argument x-delivery-limit: declared 20, broker has 5"], exception.Differences);
        Assert.Contains(vhost.Name, exception.Message);
    }

    [Fact]
    public async Task An_exchange_of_another_type_and_a_classic_queue_are_both_in_the_diff()
    {
        var connection = await vhost.ConnectAsync();
        var topology = new RabbitMqTopologyBuilder("billing", new RabbitMqTopologyOptions { Naming = new PrefixedNaming("mismatch-c."), RetryDelays = [] })
            .Consumes(Scanned).Build();
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.ExchangeDeclareAsync("mismatch-c.tests.parcel-scanned", "direct", durable: true);
            await channel.QueueDeclareAsync("mismatch-c.tests.parcel-scanned.billing.dead-letter", durable: true, exclusive: false, autoDelete: false);
        }

        var exception = await Assert.ThrowsAsync<TopologyMismatchException>(
            () => TopologyProvisioner.EnsureAsync(connection, vhost.Name, topology, vhost.Management, CancellationToken.None));

        Assert.Equal(
            [
                "exchange 'mismatch-c.tests.parcel-scanned': type: declared fanout, broker has direct",
                "queue 'mismatch-c.tests.parcel-scanned.billing.dead-letter': argument x-queue-type: declared quorum, broker has (none)",
            ],
            exception.Differences);
    }

    [Fact]
    public async Task Without_the_management_api_the_brokers_refusal_fails_startup_naming_the_argument()
    {
        var connection = await vhost.ConnectAsync();
        var topology = new RabbitMqTopologyBuilder("billing", new RabbitMqTopologyOptions { Naming = new PrefixedNaming("mismatch-b."), RetryDelays = [] })
            .Consumes(Deliver).Build();
        await DeclareWithDeliveryLimitAsync(connection, topology.Queue("mismatch-b.tests.deliver-parcel"), 5);

        var exception = await Assert.ThrowsAsync<TopologyMismatchException>(
            () => TopologyProvisioner.EnsureAsync(connection, vhost.Name, topology, management: null, CancellationToken.None));

        Assert.Contains("x-delivery-limit", Assert.Single(exception.Differences));
        Assert.Contains("mismatch-b.tests.deliver-parcel", exception.Message);
    }

    private static async Task DeclareWithDeliveryLimitAsync(IConnection connection, QueueDeclaration queue, int deliveryLimit)
    {
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(queue.Name, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?>(queue.Arguments) { ["x-delivery-limit"] = deliveryLimit });
    }

    /// <summary>Names overridden as a user would: every name under a prefix.</summary>
    private sealed class PrefixedNaming(string prefix) : RabbitMqNaming
    {
        public override string EventExchange(RabbitMqContract contract) => prefix + base.EventExchange(contract);

        public override string EventQueue(RabbitMqContract contract, string service) => prefix + base.EventQueue(contract, service);

        public override string CommandQueue(RabbitMqContract contract) => prefix + base.CommandQueue(contract);
    }
}
