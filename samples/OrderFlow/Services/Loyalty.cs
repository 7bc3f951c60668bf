using System.Collections.Concurrent;
using MessageContracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrderFlow.Services;

namespace OrderFlow.Loyalty;

/// <summary>
/// The loyalty service: it counts each customer's orders (OrderPlaced, an event it shares with shipping) and is
/// the one handler of GrantPoints (a command).
/// </summary>
public sealed class LoyaltyService(IHost host) : IAsyncDisposable
{
    public const string Name = "orderflow-loyalty";

    public LoyaltyState State => host.Services.GetRequiredService<LoyaltyState>();

    public static async Task<LoyaltyService> StartAsync(SampleEnvironment environment, CancellationToken cancellationToken)
    {
        var host = await ServiceHost.StartAsync(
            Name,
            typeof(LoyaltyService).Namespace,
            environment,
            services => services.AddSingleton<LoyaltyState>(),
            options => options.DeduplicationStore = environment.Storage.DeduplicationStoreFor("loyalty"),
            cancellationToken);
        return new LoyaltyService(host);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }
}

/// <summary>What loyalty knows. Every delivery is counted, so the sample can show that each message had one effect.</summary>
public sealed class LoyaltyState
{
    private readonly ConcurrentDictionary<Guid, int> ordersSeen = new();
    private readonly ConcurrentDictionary<Guid, int> grantsApplied = new();
    private readonly ConcurrentDictionary<string, int> pointsByCustomer = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<Guid, int> OrdersSeen => ordersSeen;

    public IReadOnlyDictionary<Guid, int> GrantsApplied => grantsApplied;

    public IReadOnlyDictionary<string, int> PointsByCustomer => pointsByCustomer;

    public void OrderSeen(OrderPlaced order) => ordersSeen.AddOrUpdate(order.OrderId, 1, (_, n) => n + 1);

    public void Grant(GrantPoints grant)
    {
        // Keyed by order: a second delivery of the same grant would add no points (and is counted, to be seen).
        if (grantsApplied.AddOrUpdate(grant.OrderId, 1, (_, n) => n + 1) == 1)
        {
            pointsByCustomer.AddOrUpdate(grant.CustomerId, grant.Points, (_, points) => points + grant.Points);
        }
    }
}

/// <summary>Loyalty's copy of every OrderPlaced.</summary>
[Idempotent] // counting by order ID: a repeat is visible, never a second order.
public sealed class CountCustomerOrders(LoyaltyState state) : IMessageHandler<OrderPlaced>
{
    public Task HandleAsync(OrderPlaced message, MessageContext context, CancellationToken cancellationToken)
    {
        state.OrderSeen(message);
        return Task.CompletedTask;
    }
}

/// <summary>The one handler of GrantPoints: credits the customer once per order.</summary>
[Idempotent] // grants are keyed by order ID, so a redelivered command adds no points.
public sealed class GrantPointsHandler(LoyaltyState state) : IMessageHandler<GrantPoints>
{
    public Task HandleAsync(GrantPoints message, MessageContext context, CancellationToken cancellationToken)
    {
        state.Grant(message);
        return Task.CompletedTask;
    }
}
