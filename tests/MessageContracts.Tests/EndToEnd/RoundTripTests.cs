using System.Text;
using Confluent.Kafka;
using MessageContracts.Testing;
using MessageContracts.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace MessageContracts.Tests.EndToEnd;

public sealed class RoundTripTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_thousand_events_are_each_handled_exactly_once_with_their_payload_id_and_key()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic("order-placed", partitions: 4);
        await using var host = await TestHost.StartAsync(kafka);
        var publisher = host.Services.GetRequiredService<IEventPublisher<OrderPlaced>>();

        var sent = Enumerable.Range(0, 1000)
            .Select(i => new OrderPlaced(Guid.NewGuid(), $"customer-{i % 37}", 10.5m + i))
            .ToArray();
        var results = await Task.WhenAll(sent.Select(order => publisher.PublishAsync(order)));
        var orders = host.Orders;
        await orders.WaitForCountAsync(sent.Length, Patience);

        // Stop the consumer first: a duplicate delivered late would then still be counted below.
        await host.DisposeAsync();

        var published = sent.Zip(results).ToDictionary(pair => pair.Second.MessageId, pair => (Order: pair.First, Result: pair.Second));
        Assert.Equal(sent.Length, published.Count); // every publish got its own ID

        var handled = orders.Snapshot();
        Assert.Equal(sent.Length, handled.Count);
        Assert.Equal(sent.Length, handled.Select(h => h.Context.MessageId).Distinct().Count());
        foreach (var (message, context) in handled)
        {
            Assert.True(published.TryGetValue(context.MessageId, out var expected), $"Handled an unknown message ID {context.MessageId}.");
            Assert.Equal(expected.Order, message);
            Assert.Equal(expected.Order.OrderId.ToString("D"), context.Key);
            Assert.Equal("OrderPlaced", context.MessageType);
            Assert.Equal("order-placed", context.Topic);
            Assert.Equal(expected.Result.Partition, context.Partition);
            Assert.Equal(expected.Result.Offset, context.Offset);
            Assert.Equal(1, context.Attempt);
            Assert.Equal("message-contracts-tests", context.Source);
        }

        // Nothing but these thousand records reached the log: no producer duplicates.
        Assert.Equal(sent.Length, CountRecords(kafka.BootstrapServers, "order-placed", partitions: 4));
    }

    [Fact]
    public async Task The_partition_key_is_the_kafka_key_so_one_keys_messages_share_a_partition_in_order()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic("order-placed", partitions: 4);
        await using var host = await TestHost.StartAsync(kafka);
        var publisher = host.Services.GetRequiredService<IEventPublisher<OrderPlaced>>();

        var orderId = Guid.NewGuid();
        var results = new List<PublishResult>();
        for (var i = 0; i < 20; i++)
        {
            results.Add(await publisher.PublishAsync(new OrderPlaced(orderId, "c", i)));
        }

        await host.Orders.WaitForCountAsync(20, Patience);
        Assert.Single(results.Select(r => r.Partition).Distinct());
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (decimal)i), host.Orders.Snapshot().Select(h => h.Message.Total));
    }

    private static int CountRecords(string bootstrapServers, string topic, int partitions)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "watermark-reader",
        }).Build();
        long total = 0;
        for (var partition = 0; partition < partitions; partition++)
        {
            var offsets = consumer.QueryWatermarkOffsets(new TopicPartition(topic, partition), TimeSpan.FromSeconds(10));
            total += offsets.High.Value - offsets.Low.Value;
        }

        return (int)total;
    }
}
