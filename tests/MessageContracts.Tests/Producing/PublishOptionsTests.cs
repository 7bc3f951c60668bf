using MessageContracts.Testing;
using MessageContracts.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace MessageContracts.Tests.Producing;

/// <summary>
/// <see cref="PublishOptions"/> on a real producer and consumer: a given message ID travels as the <c>ce_id</c>, a
/// re-publish with the same ID is dropped by the consumer's deduplication, and an ID the consumer would refuse is
/// refused at the call with an <see cref="ArgumentException"/>.
/// </summary>
public sealed class PublishOptionsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_given_message_id_is_the_ce_id_and_publishing_it_again_is_handled_once()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic("order-placed", partitions: 2);
        kafka.CreateTopic("shipping.requests", partitions: 2);
        await using var host = await TestHost.StartAsync(kafka);
        var publisher = host.Services.GetRequiredService<IEventPublisher<OrderPlaced>>();
        var sender = host.Services.GetRequiredService<ICommandSender<ShipmentRequested>>();

        var order = new OrderPlaced(Guid.NewGuid(), "customer-1", 12m);
        var first = await publisher.PublishAsync(order, new PublishOptions { MessageId = "order-1 placed" });
        var again = await publisher.PublishAsync(order, new PublishOptions { MessageId = first.MessageId });
        var shipment = await sender.SendAsync(new ShipmentRequested("order-1", 2, FailInHandler: false), new PublishOptions { MessageId = "shipment:order-1" });

        // A marker published after the copies: once it is handled, the copies before it in its partition were seen.
        var marker = await publisher.PublishAsync(order with { CustomerId = "marker" });
        await host.Orders.WaitUntilAsync(seen => seen.Any(s => s.Context.MessageId == marker.MessageId), Patience, "the marker");
        await host.Shipments.WaitForCountAsync(1, Patience);

        Assert.Equal("order-1 placed", first.MessageId);
        Assert.Equal(first.MessageId, again.MessageId);
        Assert.Equal("shipment:order-1", shipment.MessageId);
        Assert.Equal(first.Partition, again.Partition); // same key, same partition: the marker came after both
        Assert.Equal(first.Partition, marker.Partition);
        var handled = host.Orders.Snapshot().Where(s => s.Context.MessageId == first.MessageId).ToList();
        Assert.Single(handled);
        Assert.Equal(order, handled[0].Message);
        Assert.Equal("shipment:order-1", Assert.Single(host.Shipments.Snapshot()).Context.MessageId);
    }

    [Fact]
    public async Task Options_without_an_id_give_a_new_id_and_apply_their_failure_policy()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic("order-placed");
        await using var host = await TestHost.StartAsync(kafka);
        var publisher = host.Services.GetRequiredService<IEventPublisher<OrderPlaced>>();

        var one = await publisher.PublishAsync(new OrderPlaced(Guid.NewGuid(), "c", 1m), new PublishOptions());
        var two = await publisher.PublishAsync(new OrderPlaced(Guid.NewGuid(), "c", 1m), new PublishOptions { FailurePolicy = PublishFailurePolicy.Ignore });

        Assert.True(Guid.TryParse(one.MessageId, out var id) && id.Version == 7, $"'{one.MessageId}' is not a UUIDv7.");
        Assert.NotEqual(one.MessageId, two.MessageId);
        Assert.True(two.Delivered);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => publisher.PublishAsync(new OrderPlaced(Guid.NewGuid(), "c", 1m), new PublishOptions { FailurePolicy = (PublishFailurePolicy)42 }));
    }

    [Theory]
    [InlineData("", "it is empty")]
    [InlineData("tab\there", "U+0009")]
    [InlineData("caf\u00e9", "U+00E9")]
    [InlineData("line\nbreak", "U+000A")]
    public async Task An_id_the_consumer_would_refuse_is_refused_at_the_call(string messageId, string reason)
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        await using var host = await TestHost.StartAsync(kafka);
        var publisher = host.Services.GetRequiredService<IEventPublisher<OrderPlaced>>();
        var sender = host.Services.GetRequiredService<ICommandSender<ShipmentRequested>>();

        var published = await Assert.ThrowsAsync<ArgumentException>(
            () => publisher.PublishAsync(new OrderPlaced(Guid.NewGuid(), "c", 1m), new PublishOptions { MessageId = messageId }));
        var sent = await Assert.ThrowsAsync<ArgumentException>(
            () => sender.SendAsync(new ShipmentRequested("o", 1, false), new PublishOptions { MessageId = messageId }));

        Assert.Equal("options", published.ParamName);
        Assert.Contains(reason, published.Message);
        Assert.Contains("printable ASCII", published.Message);
        Assert.Equal("options", sent.ParamName);
    }

    [Fact]
    public async Task An_id_longer_than_200_characters_is_refused_and_200_is_accepted()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic("order-placed");
        await using var host = await TestHost.StartAsync(kafka);
        var publisher = host.Services.GetRequiredService<IEventPublisher<OrderPlaced>>();

        var tooLong = await Assert.ThrowsAsync<ArgumentException>(
            () => publisher.PublishAsync(new OrderPlaced(Guid.NewGuid(), "c", 1m), new PublishOptions { MessageId = new string('x', 201) }));
        var longest = await publisher.PublishAsync(new OrderPlaced(Guid.NewGuid(), "c", 1m), new PublishOptions { MessageId = new string('x', 200) });

        Assert.Contains("201 characters long, over the limit of 200", tooLong.Message);
        Assert.DoesNotContain(new string('x', 41), tooLong.Message); // the message shows the ID's start, not all of it
        Assert.Equal(new string('x', 200), longest.MessageId);
    }

    [Fact]
    public async Task An_implementation_written_before_the_options_overload_forwards_the_policy_and_refuses_an_id()
    {
        IEventPublisher<OrderPlaced> old = new PublisherWithoutOptions();

        var result = await old.PublishAsync(new OrderPlaced(Guid.Empty, "c", 1m), new PublishOptions { FailurePolicy = PublishFailurePolicy.Ignore });
        await Assert.ThrowsAsync<NotSupportedException>(() => old.PublishAsync(new OrderPlaced(Guid.Empty, "c", 1m), new PublishOptions { MessageId = "x" }));

        Assert.Equal("policy Ignore", result.MessageId);
    }

    private sealed class PublisherWithoutOptions : IEventPublisher<OrderPlaced>
    {
        public Task<PublishResult> PublishAsync(OrderPlaced message, CancellationToken cancellationToken = default) =>
            Task.FromResult(new PublishResult("no policy", "order-placed", 0, 0));

        public Task<PublishResult> PublishAsync(OrderPlaced message, PublishFailurePolicy policy, CancellationToken cancellationToken = default) =>
            Task.FromResult(new PublishResult("policy " + policy, "order-placed", 0, 0));
    }
}
