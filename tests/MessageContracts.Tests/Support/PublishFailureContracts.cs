namespace MessageContracts.Tests.Support;

// The contract of the producer failure policy tests: a topic of its own ("price-changed"), so the failure counters
// these tests read are not moved by other tests running at the same time.

[Event]
public sealed partial record PriceChanged(
    [property: PartitionKey] string Sku,
    decimal Price);

[Idempotent]
public sealed class PriceChangedRecorder(Received<PriceChanged> received) : IMessageHandler<PriceChanged>
{
    public Task HandleAsync(PriceChanged message, MessageContext context, CancellationToken cancellationToken)
    {
        received.Add(message, context);
        return Task.CompletedTask;
    }
}
