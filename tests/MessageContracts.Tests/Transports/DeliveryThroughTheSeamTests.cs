using MessageContracts.Tests.Support;
using MessageContracts.Transports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace MessageContracts.Tests.Transports;

/// <summary>An event that accepts loss, for the seam tests: no handler, so no module subscription.</summary>
[Event(Topic = "seam-tests.price-ticked", Delivery = Delivery.AtMostOnce)]
public sealed partial record SeamPriceTicked(string Symbol, decimal Price);

/// <summary>
/// What the seam carries for at-most-once contracts: OutboundMessage.Delivery from the generated contract, and the
/// receivers a transport reports (TransportDelivery.Receivers) back to the caller as PublishResult.Receivers.
/// </summary>
public sealed class DeliveryThroughTheSeamTests
{
    [Fact]
    public async Task An_at_most_once_event_is_handed_over_as_such_and_its_receivers_come_back()
    {
        var transport = new CapturingTransport();
        using var host = await StartAsync(transport);

        var ticked = await host.Services.GetRequiredService<IEventPublisher<SeamPriceTicked>>().PublishAsync(new SeamPriceTicked("ACME", 1m));
        var placed = await host.Services.GetRequiredService<IEventPublisher<OrderPlaced>>().PublishAsync(new OrderPlaced(Guid.NewGuid(), "c-1", 2m));

        Assert.Equal(
            [("seam-tests.price-ticked", Delivery.AtMostOnce), (placed.Topic, Delivery.AtLeastOnce)],
            transport.Sent.Select(m => (m.Destination, m.Delivery)));
        Assert.Equal(3, ticked.Receivers);
        Assert.Equal(-1, ticked.Offset);
        Assert.Null(placed.Receivers);
        Assert.Equal(7, placed.Offset);

        // The relay and the replay find the delivery by ce_type, as they find the kind.
        Assert.Equal(Delivery.AtMostOnce, ContractKinds.DeliveryOf(transport.Sent[0].MessageType));
        Assert.Equal(Delivery.AtLeastOnce, ContractKinds.DeliveryOf(transport.Sent[1].MessageType));
        Assert.Equal(Delivery.AtLeastOnce, ContractKinds.DeliveryOf("NeverSeen"));
        await host.StopAsync();
    }

    private static async Task<IHost> StartAsync(CapturingTransport transport)
    {
        var host = new HostBuilder()
            .ConfigureServices(services => services.AddMessageContracts(
                options =>
                {
                    options.UseTransport(transport);
                    options.ServiceName = "seam-tests";
                    options.DeduplicationStore = new InMemoryDeduplicationStore();
                },
                handler => false))
            .Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>Keeps what it is given; reports 3 receivers for an at-most-once message (as pub/sub would) and offset 7 for any other.</summary>
    private sealed class CapturingTransport : MessageTransport, ITransportSender
    {
        public List<OutboundMessage> Sent { get; } = [];

        public override string Name => "capturing";

        public override TransportCapabilities Capabilities => TransportCapabilities.None;

        public override ITransportSender CreateSender(IServiceProvider services) => this;

        public override IHostedService CreateReceiver(IServiceProvider services) => throw new InvalidOperationException("No handlers here.");

        public Task PrepareAsync(string destination, CancellationToken cancellationToken) => Task.CompletedTask;

        public void Send(in OutboundMessage message, IDeliveryObserver observer)
        {
            lock (Sent)
            {
                Sent.Add(message);
            }

            observer.OnDelivered(message.Delivery == Delivery.AtMostOnce ? new TransportDelivery(0, -1, 3) : new TransportDelivery(0, 7));
        }
    }
}
