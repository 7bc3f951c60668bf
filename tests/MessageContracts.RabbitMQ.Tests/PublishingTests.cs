using System.Text;
using MessageContracts.RabbitMQ.Publishing;
using MessageContracts.RabbitMQ.Topology;
using RabbitMQ.Client;
using Xunit;

namespace MessageContracts.RabbitMQ.Tests;

/// <summary>The confirmed publisher: what a stored message carries, and how a publish the broker cannot route fails.</summary>
public sealed class PublishingTests(RabbitMqVirtualHost vhost) : IClassFixture<RabbitMqVirtualHost>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_command_no_queue_receives_fails_as_returned_with_its_message_id()
    {
        var connection = await vhost.ConnectAsync();
        await using var publisher = await ConfirmedPublisher.OpenAsync(connection, Timeout, CancellationToken.None);
        var message = TestMessages.Of(new DeliverParcel("p-9", "Nowhere 1"));

        var exception = await Assert.ThrowsAsync<RabbitMqPublishException>(() => publisher.PublishAsync(message, CancellationToken.None));

        Assert.Equal(RabbitMqPublishFailure.Returned, exception.Failure);
        Assert.Equal(message.MessageId, exception.MessageId);
        Assert.Contains(message.MessageId, exception.Message);
        Assert.Contains("tests.deliver-parcel", exception.Message);

        // The channel stays usable: once the owner's queue exists, the same command is stored.
        await ProvisionCommandQueueAsync(connection);
        await publisher.PublishAsync(message, CancellationToken.None);
        Assert.Equal(1u, await TestMessages.ReadyCountAsync(connection, "tests.deliver-parcel"));
    }

    [Fact]
    public async Task An_event_to_an_exchange_that_does_not_exist_fails_with_its_message_id_and_the_next_publish_works()
    {
        var connection = await vhost.ConnectAsync();
        await using var publisher = await ConfirmedPublisher.OpenAsync(connection, Timeout, CancellationToken.None);
        var lost = TestMessages.Of(new ParcelScanned("p-1", "north")) with { Route = new RabbitMqRoute("no-such-exchange", "", Mandatory: false) };

        var exception = await Assert.ThrowsAsync<RabbitMqPublishException>(() => publisher.PublishAsync(lost, CancellationToken.None));
        Assert.Equal(lost.MessageId, exception.MessageId);
        Assert.Equal(RabbitMqPublishFailure.ConnectionLost, exception.Failure);

        await ProvisionCommandQueueAsync(connection, "after-channel-error.");
        var next = TestMessages.Of(new DeliverParcel("p-2", "Somewhere 2")) with
        {
            Route = new RabbitMqRoute("", "after-channel-error.tests.deliver-parcel", Mandatory: true),
        };
        await publisher.PublishAsync(next, CancellationToken.None);
        Assert.Equal(1u, await TestMessages.ReadyCountAsync(connection, "after-channel-error.tests.deliver-parcel"));
    }

    [Fact]
    public async Task A_message_the_broker_refuses_fails_as_nacked_with_its_message_id()
    {
        var connection = await vhost.ConnectAsync();
        await using (var channel = await connection.CreateChannelAsync())
        {
            // A full queue that rejects publishes: the broker nacks what it cannot store. (A classic queue: a quorum
            // queue applies its length limit only once it is exceeded, so not at a precise message.)
            await channel.QueueDeclareAsync("full", durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?>
            {
                ["x-max-length"] = 1,
                ["x-overflow"] = "reject-publish",
            });
        }

        await using var publisher = await ConfirmedPublisher.OpenAsync(connection, Timeout, CancellationToken.None);
        var route = new RabbitMqRoute("", "full", Mandatory: true);
        await publisher.PublishAsync(TestMessages.Of(new DeliverParcel("p-1", "A 1")) with { Route = route }, CancellationToken.None);
        var refused = TestMessages.Of(new DeliverParcel("p-2", "B 2")) with { Route = route };

        var exception = await Assert.ThrowsAsync<RabbitMqPublishException>(() => publisher.PublishAsync(refused, CancellationToken.None));

        Assert.Equal(RabbitMqPublishFailure.Nacked, exception.Failure);
        Assert.Equal(refused.MessageId, exception.MessageId);
        Assert.Contains(refused.MessageId, exception.Message);
    }

    [Fact]
    public async Task A_stored_message_carries_the_cloudevents_attributes_as_amqp_properties_and_headers()
    {
        var connection = await vhost.ConnectAsync();
        await ProvisionCommandQueueAsync(connection, "properties.");
        await using var publisher = await ConfirmedPublisher.OpenAsync(connection, Timeout, CancellationToken.None);
        var message = TestMessages.Of(new DeliverParcel("p-3", "Main Street 3"), source: "dispatch") with
        {
            Route = new RabbitMqRoute("", "properties.tests.deliver-parcel", Mandatory: true),
            Time = new DateTimeOffset(2026, 12, 7, 10, 30, 15, 123, TimeSpan.Zero),
            TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        };

        await publisher.PublishAsync(message, CancellationToken.None);

        await using var channel = await connection.CreateChannelAsync();
        var stored = await channel.BasicGetAsync("properties.tests.deliver-parcel", autoAck: true);
        Assert.NotNull(stored);
        var properties = stored.BasicProperties;
        Assert.Equal(DeliveryModes.Persistent, properties.DeliveryMode);
        Assert.Equal(message.MessageId, properties.MessageId);
        Assert.Equal("DeliverParcel", message.MessageType);
        Assert.Equal(message.MessageType, properties.Type);
        Assert.Equal("application/json", properties.ContentType);
        Assert.Equal("dispatch", properties.AppId);
        Assert.Equal(message.Time.ToUnixTimeSeconds(), properties.Timestamp.UnixTime);
        var headers = AmqpEnvelope.ReadHeaders(properties);
        Assert.Equal("1.0", headers["ce_specversion"]);
        Assert.Equal(message.MessageId, headers["ce_id"]);
        Assert.Equal(message.MessageType, headers["ce_type"]);
        Assert.Equal("dispatch", headers["ce_source"]);
        Assert.Equal("2026-12-07T10:30:15.1230000Z", headers["ce_time"]);
        Assert.Equal(message.TraceParent, headers["traceparent"]);
        Assert.Equal("application/json", headers["content-type"]);
        Assert.Equal("""{"parcelId":"p-3","address":"Main Street 3"}""", Encoding.UTF8.GetString(stored.Body.Span));
    }

    private async Task ProvisionCommandQueueAsync(IConnection connection, string prefix = "")
    {
        var naming = prefix.Length == 0 ? RabbitMqNaming.Default : new CommandPrefix(prefix);
        var topology = new RabbitMqTopologyBuilder("owner", new RabbitMqTopologyOptions { Naming = naming, RetryDelays = [] })
            .Consumes(RabbitMqContract.Of<DeliverParcel>()).Build();
        await TopologyProvisioner.EnsureAsync(connection, vhost.Name, topology, vhost.Management, CancellationToken.None);
    }

    private sealed class CommandPrefix(string prefix) : RabbitMqNaming
    {
        public override string CommandQueue(RabbitMqContract contract) => prefix + base.CommandQueue(contract);
    }
}
