using System.Collections.Concurrent;
using MessageContracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrderFlow.Faults;
using OrderFlow.Services;

namespace OrderFlow.Shipping;

/// <summary>The shipping service: books a shipment for every OrderPlaced (its own copy of the event).</summary>
public sealed class ShippingService(IHost host) : IAsyncDisposable
{
    public const string Name = "orderflow-shipping";

    public ShippingState State => host.Services.GetRequiredService<ShippingState>();

    public static async Task<ShippingService> StartAsync(SampleEnvironment environment, FlakyCarrier carrier, CancellationToken cancellationToken)
    {
        var host = await ServiceHost.StartAsync(
            Name,
            typeof(ShippingService).Namespace,
            environment,
            services => services.AddSingleton<ShippingState>().AddSingleton(carrier),
            options =>
            {
                options.DeduplicationStore = environment.Storage.DeduplicationStoreFor("shipping");
                // Three attempts (the default) with a short backoff, so the flaky carrier costs milliseconds, not seconds.
                options.Retry.InitialDelay = TimeSpan.FromMilliseconds(50);
            },
            cancellationToken);
        return new ShippingService(host);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }
}

/// <summary>Shipments booked, and every attempt made, by order.</summary>
public sealed class ShippingState
{
    private readonly ConcurrentDictionary<Guid, int> shipmentsBooked = new();
    private readonly ConcurrentDictionary<Guid, int> attempts = new();

    public IReadOnlyDictionary<Guid, int> ShipmentsBooked => shipmentsBooked;

    public int AttemptsFor(Guid orderId) => attempts.TryGetValue(orderId, out var n) ? n : 0;

    public void Attempted(Guid orderId) => attempts.AddOrUpdate(orderId, 1, (_, n) => n + 1);

    public void Booked(Guid orderId) => shipmentsBooked.AddOrUpdate(orderId, 1, (_, n) => n + 1);
}

/// <summary>Books the shipment of an order with the carrier, which may fail for a while.</summary>
[Idempotent] // bookings are keyed by order ID.
public sealed class BookShipment(ShippingState state, FlakyCarrier carrier) : IMessageHandler<OrderPlaced>
{
    public Task HandleAsync(OrderPlaced message, MessageContext context, CancellationToken cancellationToken)
    {
        state.Attempted(message.OrderId);
        carrier.Book(message.OrderId, context.Attempt);
        state.Booked(message.OrderId);
        return Task.CompletedTask;
    }
}
