namespace MessageContracts.RabbitMQ.Tests;

/// <summary>An event: fanned out to every consuming service's own queue.</summary>
[Event(Topic = "tests.parcel-scanned")]
public sealed partial record ParcelScanned(string ParcelId, string Depot);

/// <summary>A command: one queue, its owner's.</summary>
[Command(Topic = "tests.deliver-parcel")]
public sealed partial record DeliverParcel(string ParcelId, string Address);

/// <summary>A handler, so that the generator lists DeliverParcel among this assembly's handled contracts.</summary>
[Idempotent]
public sealed class DeliverParcelHandler : IMessageHandler<DeliverParcel>
{
    public Task HandleAsync(DeliverParcel message, MessageContext context, CancellationToken cancellationToken) => Task.CompletedTask;
}
