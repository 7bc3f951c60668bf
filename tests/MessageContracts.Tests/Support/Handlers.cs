namespace MessageContracts.Tests.Support;

[Idempotent]
public sealed class OrderPlacedRecorder(Received<OrderPlaced> received) : IMessageHandler<OrderPlaced>
{
    public Task HandleAsync(OrderPlaced message, MessageContext context, CancellationToken cancellationToken)
    {
        received.Add(message, context);
        return Task.CompletedTask;
    }
}

/// <summary>Records shipments; throws for the ones marked to fail, so retries and dead-lettering can be watched.</summary>
[Idempotent]
public sealed class ShipmentHandler(Received<ShipmentRequested> received, HandlerAttempts attempts) : IMessageHandler<ShipmentRequested>
{
    public Task HandleAsync(ShipmentRequested message, MessageContext context, CancellationToken cancellationToken)
    {
        attempts.Record(context);
        if (message.FailInHandler)
        {
            throw new InvalidOperationException($"Shipment for {message.OrderReference} cannot be booked.");
        }

        received.Add(message, context);
        return Task.CompletedTask;
    }
}

/// <summary>Every attempt a handler made, by message ID.</summary>
public sealed class HandlerAttempts
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> attempts = new();

    public void Record(MessageContext context) => attempts.AddOrUpdate(context.MessageId, 1, (_, n) => n + 1);

    public int For(string messageId) => attempts.TryGetValue(messageId, out var n) ? n : 0;
}

/// <summary>A second handler of OrderPlaced in the same service: both must run for every event.</summary>
[Idempotent]
public sealed class OrderPlacedAuditor(AuditTrail trail) : IMessageHandler<OrderPlaced>
{
    public Task HandleAsync(OrderPlaced message, MessageContext context, CancellationToken cancellationToken)
    {
        trail.Record(context.MessageId);
        return Task.CompletedTask;
    }
}

/// <summary>Handles a contract declared in another project (tests/Fixtures), nominal record with init members.</summary>
[Idempotent]
public sealed class InventoryReservedRecorder(Received<Warehouse.Contracts.InventoryReserved> received)
    : IMessageHandler<Warehouse.Contracts.InventoryReserved>
{
    public Task HandleAsync(Warehouse.Contracts.InventoryReserved message, MessageContext context, CancellationToken cancellationToken)
    {
        received.Add(message, context);
        return Task.CompletedTask;
    }
}

/// <summary>Handles a nested record struct contract declared in another project.</summary>
[Idempotent]
public sealed class ParcelWeighedRecorder(Received<Warehouse.Contracts.Parcels.ParcelWeighed> received)
    : IMessageHandler<Warehouse.Contracts.Parcels.ParcelWeighed>
{
    public Task HandleAsync(Warehouse.Contracts.Parcels.ParcelWeighed message, MessageContext context, CancellationToken cancellationToken)
    {
        received.Add(message, context);
        return Task.CompletedTask;
    }
}

/// <summary>Message IDs an auditing handler saw, in order.</summary>
public sealed class AuditTrail
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> ids = new();

    public void Record(string messageId) => ids.Enqueue(messageId);

    public IReadOnlyList<string> Snapshot() => [.. ids];
}
