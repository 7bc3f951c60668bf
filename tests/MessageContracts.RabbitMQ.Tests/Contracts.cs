namespace MessageContracts.RabbitMQ.Tests;

/// <summary>An event: fanned out to every consuming service's own queue.</summary>
[Event(Topic = "tests.parcel-scanned")]
public sealed partial record ParcelScanned(string ParcelId, string Depot);

/// <summary>A command: one queue, its owner's.</summary>
[Command(Topic = "tests.deliver-parcel")]
public sealed partial record DeliverParcel(string ParcelId, string Address);
