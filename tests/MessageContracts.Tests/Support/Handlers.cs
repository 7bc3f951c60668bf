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
