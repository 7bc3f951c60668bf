namespace MessageContracts.Redis.Tests;

/// <summary>An event that accepts loss: it travels over Redis pub/sub, never over a stream.</summary>
[Event(Topic = "redis-tests.price-ticked", Delivery = Delivery.AtMostOnce)]
public sealed partial record PriceTicked([property: PartitionKey] string Symbol, decimal Price);

/// <summary>
/// Records ticks; throws for a symbol starting with "halt", so the at-most-once failure rule (retried in process, then
/// dead-lettered to the stream) can be watched. No [Idempotent]: an at-most-once message is never delivered twice.
/// </summary>
public sealed class PriceTickedRecorder(Received<PriceTicked> received) : IMessageHandler<PriceTicked>
{
    public Task HandleAsync(PriceTicked message, MessageContext context, CancellationToken cancellationToken)
    {
        if (message.Symbol.StartsWith("halt", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Trading in {message.Symbol} is halted.");
        }

        received.Add(message, context);
        return Task.CompletedTask;
    }
}
