using MessageContracts.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace MessageContracts.Tests.EndToEnd;

/// <summary>
/// Publish and handle on whichever Kafka <see cref="KafkaUnderTest"/> gives: the embedded one, or a real cluster when
/// <c>KAFKA_BOOTSTRAP_SERVERS</c> is set (docs/production.md). Written for a shared cluster: each test marks its
/// messages with a run ID and looks only at those, because the topics may hold records of earlier runs.
/// </summary>
public sealed class ClusterRoundTripTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Events_published_are_each_handled_once_with_their_payload_key_and_position()
    {
        await using var kafka = await KafkaUnderTest.StartAsync();
        await using var host = await TestHost.StartAsync(kafka);
        var publisher = host.Services.GetRequiredService<IEventPublisher<OrderPlaced>>();
        var run = "run-" + Guid.NewGuid().ToString("N");

        var sent = Enumerable.Range(0, 200).Select(i => new OrderPlaced(Guid.NewGuid(), run, 10.25m + i)).ToArray();
        var results = await Task.WhenAll(sent.Select(order => publisher.PublishAsync(order)));
        var orders = host.Orders;
        await orders.WaitUntilAsync(seen => Ours(seen, run).Select(h => h.Context.MessageId).Distinct().Count() == sent.Length, Patience, $"the {sent.Length} orders of {run}");

        // Stop the consumer first: a duplicate delivered late would then still be counted below.
        await host.DisposeAsync();

        var published = sent.Zip(results).ToDictionary(pair => pair.Second.MessageId, pair => (Order: pair.First, Result: pair.Second));
        var handled = Ours(orders.Snapshot(), run);
        Assert.Equal(sent.Length, handled.Count); // each once: a repeat would add a second entry
        foreach (var (message, context) in handled)
        {
            var expected = published[context.MessageId];
            Assert.Equal(expected.Order, message);
            Assert.Equal(expected.Order.OrderId.ToString("D"), context.Key);
            Assert.Equal(expected.Result.Partition, context.Partition);
            Assert.Equal(expected.Result.Offset, context.Offset);
        }
    }

    [Fact]
    public async Task One_keys_messages_arrive_in_the_order_they_were_published()
    {
        await using var kafka = await KafkaUnderTest.StartAsync();
        await using var host = await TestHost.StartAsync(kafka);
        var publisher = host.Services.GetRequiredService<IEventPublisher<OrderPlaced>>();
        var run = "run-" + Guid.NewGuid().ToString("N");
        var orderId = Guid.NewGuid();

        for (var i = 0; i < 30; i++)
        {
            await publisher.PublishAsync(new OrderPlaced(orderId, run, i));
        }

        await host.Orders.WaitUntilAsync(seen => Ours(seen, run).Count >= 30, Patience, $"the 30 updates of {run}");
        Assert.Equal(Enumerable.Range(0, 30).Select(i => (decimal)i), Ours(host.Orders.Snapshot(), run).Select(h => h.Message.Total));
    }

    private static List<(OrderPlaced Message, MessageContext Context)> Ours(IEnumerable<(OrderPlaced Message, MessageContext Context)> seen, string run) =>
        [.. seen.Where(h => h.Message.CustomerId == run)];
}
