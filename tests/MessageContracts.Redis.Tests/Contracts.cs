using MessageContracts.Redis.Tests.Support;

namespace MessageContracts.Redis.Tests;

/// <summary>An event: every consuming service reads its stream with a group of its own.</summary>
[Event(Topic = "redis-tests.parcel-scanned")]
public sealed partial record ParcelScanned(string ParcelId, string Depot);

/// <summary>A command: its owners share one group, so each is handled once.</summary>
[Command(Topic = "redis-tests.deliver-parcel")]
public sealed partial record DeliverParcel(string ParcelId, bool Refused);

[Idempotent]
public sealed class ParcelScannedRecorder(Received<ParcelScanned> received, DeliveryGate gate) : IMessageHandler<ParcelScanned>
{
    public Task HandleAsync(ParcelScanned message, MessageContext context, CancellationToken cancellationToken)
    {
        gate.NoteOtherHandler();
        received.Add(message, context);
        return Task.CompletedTask;
    }
}

/// <summary>Records deliveries; throws for a refused one, so dead-lettering can be watched.</summary>
[Idempotent]
public sealed class DeliverParcelHandler(Received<DeliverParcel> received, DeliveryGate gate) : IMessageHandler<DeliverParcel>
{
    public async Task HandleAsync(DeliverParcel message, MessageContext context, CancellationToken cancellationToken)
    {
        if (message.ParcelId.StartsWith("hold", StringComparison.Ordinal))
        {
            await gate.HoldAsync(cancellationToken);
        }

        if (message.Refused)
        {
            throw new InvalidOperationException($"Parcel {message.ParcelId} cannot be delivered.");
        }

        received.Add(message, context);
    }
}
