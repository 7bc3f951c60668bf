using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using MessageContracts.Testing;
using MessageContracts.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Warehouse.Contracts;
using Xunit;

namespace MessageContracts.Tests.EndToEnd;

public sealed class DispatchTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task One_consumer_runs_the_handlers_of_every_topic_including_contracts_from_another_project()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic("order-placed", partitions: 2);
        kafka.CreateTopic("shipping.requests");
        kafka.CreateTopic("warehouse.inventory-reserved");
        kafka.CreateTopic("parcel-weighed");
        await using var host = await TestHost.StartAsync(kafka);

        var order = new OrderPlaced(Guid.NewGuid(), "c-1", 12m);
        var reserved = new InventoryReserved { Sku = "SKU-1", Quantity = 3, OrderId = order.OrderId, Bins = ["A1", "B7"] };
        var weighed = new Parcels.ParcelWeighed(42, 1.25, new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.FromHours(1)));
        await host.Services.GetRequiredService<IEventPublisher<OrderPlaced>>().PublishAsync(order);
        await host.Services.GetRequiredService<IEventPublisher<InventoryReserved>>().PublishAsync(reserved);
        await host.Services.GetRequiredService<IEventPublisher<Parcels.ParcelWeighed>>().PublishAsync(weighed);
        await host.Services.GetRequiredService<ICommandSender<ShipmentRequested>>().SendAsync(new ShipmentRequested("o-9", 1, false));

        var inventory = host.Services.GetRequiredService<Received<InventoryReserved>>();
        var parcels = host.Services.GetRequiredService<Received<Parcels.ParcelWeighed>>();
        await host.Orders.WaitForCountAsync(1, Patience);
        await host.Shipments.WaitForCountAsync(1, Patience);
        await inventory.WaitForCountAsync(1, Patience);
        await parcels.WaitForCountAsync(1, Patience);

        // One consumer for all four topics (the other hosted service purges old dedup entries).
        Assert.Single(host.Services.GetServices<IHostedService>(), service => service.GetType().Name == "MessageConsumerService");
        Assert.Equal(reserved, inventory.Snapshot().Single().Message, new InventoryComparer());
        Assert.Equal("warehouse.inventory-reserved", inventory.Snapshot().Single().Context.Topic);
        Assert.Equal("SKU-1", inventory.Snapshot().Single().Context.Key);
        Assert.Equal(weighed, parcels.Snapshot().Single().Message);
        Assert.Equal("Parcels.ParcelWeighed", parcels.Snapshot().Single().Context.MessageType);
        Assert.Equal("42", parcels.Snapshot().Single().Context.Key);
    }

    [Fact]
    public async Task Every_handler_of_an_event_in_one_service_runs_for_every_message()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic("order-placed", partitions: 2);
        await using var host = await TestHost.StartAsync(kafka);
        var publisher = host.Services.GetRequiredService<IEventPublisher<OrderPlaced>>();

        var ids = new List<string>();
        for (var i = 0; i < 25; i++)
        {
            ids.Add((await publisher.PublishAsync(new OrderPlaced(Guid.NewGuid(), "c", i))).MessageId);
        }

        await host.Orders.WaitForCountAsync(ids.Count, Patience);

        // The recorder runs after the auditor or before it; both run before the offset moves on, so once the
        // recorder saw all of them the auditor did too.
        Assert.Equal(ids.Order(StringComparer.Ordinal), host.Audit.Snapshot().Order(StringComparer.Ordinal));
        Assert.Equal(ids.Order(StringComparer.Ordinal), host.Orders.Snapshot().Select(h => h.Context.MessageId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_record_from_another_kafka_client_with_cloudevents_headers_and_json_from_system_text_json_is_handled()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        kafka.CreateTopic("order-placed");
        await using var host = await TestHost.StartAsync(kafka);
        var order = new OrderPlaced(Guid.NewGuid(), "from-another-service", 99.95m);

        using (var foreign = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build())
        {
            var headers = new Headers
            {
                { "ce_specversion", "1.0"u8.ToArray() },
                { "ce_id", "foreign-0001"u8.ToArray() },
                { "ce_type", "OrderPlaced"u8.ToArray() },
                { "ce_source", "billing-service"u8.ToArray() },
                { "ce_time", "2026-11-25T10:15:00Z"u8.ToArray() },
                { "content-type", "application/json"u8.ToArray() },
                { "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"u8.ToArray() },
            };
            var json = JsonSerializer.SerializeToUtf8Bytes(order, new JsonSerializerOptions(JsonSerializerDefaults.Web));
            await foreign.ProduceAsync("order-placed", new Message<string, byte[]> { Key = order.OrderId.ToString(), Value = json, Headers = headers });
        }

        await host.Orders.WaitForCountAsync(1, Patience);
        var (message, context) = host.Orders.Snapshot().Single();
        Assert.Equal(order, message);
        Assert.Equal("foreign-0001", context.MessageId);
        Assert.Equal("billing-service", context.Source);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 15, 0, TimeSpan.Zero), context.Time);
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", context.TraceContext.TraceId.ToHexString());
    }

    private sealed class InventoryComparer : IEqualityComparer<InventoryReserved>
    {
        public bool Equals(InventoryReserved? x, InventoryReserved? y) =>
            x is not null && y is not null && x.Sku == y.Sku && x.Quantity == y.Quantity && x.OrderId == y.OrderId && x.Bins.SequenceEqual(y.Bins);

        public int GetHashCode(InventoryReserved obj) => obj.Sku.GetHashCode(StringComparison.Ordinal);
    }
}
