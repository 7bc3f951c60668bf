using System.Text;
using MessageContracts.Tests.Support;
using MessageContracts.Transports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace MessageContracts.Tests.Transports;

/// <summary>
/// The core end to end through the public transport seam only, with no Kafka anywhere: no bootstrap servers are set,
/// and the messages travel through <see cref="InMemoryTestTransport"/>.
/// </summary>
public sealed class InMemoryTestTransportTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_published_event_is_handled_once()
    {
        var broker = new InMemoryTestBroker();
        using var host = await StartAsync(broker);

        var result = await host.Services.GetRequiredService<IEventPublisher<OrderPlaced>>()
            .PublishAsync(new OrderPlaced(Guid.NewGuid(), "c-1", 12.5m));
        await host.Services.GetRequiredService<Received<OrderPlaced>>().WaitForCountAsync(1, Patience);
        await broker.WaitForCommittedAsync(result.Topic, 1, Patience);

        var handled = Assert.Single(host.Services.GetRequiredService<Received<OrderPlaced>>().Snapshot());
        Assert.Equal("c-1", handled.Message.CustomerId);
        Assert.Equal(result.MessageId, handled.Context.MessageId);
        var stored = Assert.Single(broker.Records(result.Topic));
        Assert.True(stored.Headers!.TryGetLast(MessageHeaders.Id, out var id));
        Assert.Equal(result.MessageId, Encoding.ASCII.GetString(id!));
        await host.StopAsync();
    }

    [Fact]
    public async Task A_second_copy_of_a_message_ID_is_dropped_by_the_dedup_store()
    {
        var broker = new InMemoryTestBroker();
        using var host = await StartAsync(broker);
        var publisher = host.Services.GetRequiredService<IEventPublisher<OrderPlaced>>();
        var order = new OrderPlaced(Guid.NewGuid(), "c-2", 3m);

        var first = await publisher.PublishAsync(order, new PublishOptions { MessageId = "order-2-once" });
        await publisher.PublishAsync(order, new PublishOptions { MessageId = "order-2-once" });
        await publisher.PublishAsync(order with { CustomerId = "c-3" });

        // All three settled (committed), the copy among them; only two ran the handler.
        await broker.WaitForCommittedAsync(first.Topic, 3, Patience);
        var handled = host.Services.GetRequiredService<Received<OrderPlaced>>().Snapshot();
        Assert.Equal(["c-2", "c-3"], handled.Select(h => h.Message.CustomerId));
        Assert.Equal(3, broker.Records(first.Topic).Count);
        await host.StopAsync();
    }

    [Fact]
    public async Task Poison_records_are_dead_lettered_with_their_reason_and_the_lane_goes_on()
    {
        var broker = new InMemoryTestBroker();
        using var host = await StartAsync(broker, options => options.Retry.MaxAttempts = 1);
        const string topic = "shipping.requests";

        // A foreign producer's record without an envelope, then a command whose handler throws, then a good one.
        broker.Append(topic, "o-1"u8.ToArray(), "{\"not\":\"an envelope\"}"u8.ToArray(), headers: null);
        var sender = host.Services.GetRequiredService<ICommandSender<ShipmentRequested>>();
        var failing = await sender.SendAsync(new ShipmentRequested("o-2", 1, FailInHandler: true));
        await sender.SendAsync(new ShipmentRequested("o-3", 1, FailInHandler: false));

        await host.Services.GetRequiredService<Received<ShipmentRequested>>().WaitForCountAsync(1, Patience);
        await broker.WaitForCommittedAsync(topic, 3, Patience);
        var deadLetters = broker.Records(topic + ".dead-letter");
        Assert.Equal(2, deadLetters.Count);

        Assert.Equal("o-1", Encoding.UTF8.GetString(deadLetters[0].Key!));
        Assert.Contains("no headers", Header(deadLetters[0], MessageHeaders.DeadLetterReason));
        Assert.Equal(topic, Header(deadLetters[0], MessageHeaders.DeadLetterOriginalTopic));
        Assert.Equal("0", Header(deadLetters[0], MessageHeaders.DeadLetterOriginalOffset));

        Assert.Equal(failing.MessageId, Header(deadLetters[1], MessageHeaders.Id));
        Assert.Contains("cannot be booked", Header(deadLetters[1], MessageHeaders.DeadLetterReason));
        Assert.Equal("1", Header(deadLetters[1], MessageHeaders.DeadLetterAttempts));
        Assert.Equal("o-3", Assert.Single(host.Services.GetRequiredService<Received<ShipmentRequested>>().Snapshot()).Message.OrderReference);
        await host.StopAsync();
    }

    private static string Header(InboundRecord record, string key) =>
        record.Headers!.TryGetLast(key, out var value) ? Encoding.UTF8.GetString(value!) : throw new KeyNotFoundException(key);

    private static async Task<IHost> StartAsync(InMemoryTestBroker broker, Action<MessageContractsOptions>? configure = null)
    {
        var host = new HostBuilder()
            .ConfigureServices(services =>
            {
                services.AddSingleton<Received<OrderPlaced>>();
                services.AddSingleton<Received<ShipmentRequested>>();
                services.AddSingleton<HandlerAttempts>();
                services.AddMessageContracts(
                    options =>
                    {
                        // No BootstrapServers: nothing here may reach for Kafka.
                        options.UseTransport(new InMemoryTestTransport(broker));
                        options.ConsumerGroup = "in-memory-tests";
                        options.ServiceName = "in-memory-tests";
                        options.DeduplicationStore = new InMemoryDeduplicationStore();
                        options.Retry.InitialDelay = TimeSpan.Zero;
                        configure?.Invoke(options);
                    },
                    handler => handler == typeof(OrderPlacedRecorder) || handler == typeof(ShipmentHandler));
            })
            .Build();
        await host.StartAsync();
        return host;
    }
}
