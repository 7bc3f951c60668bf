namespace MessageContracts.Tests.Support;

// Contracts and handlers used by the end-to-end tests. The generator runs on this project as on a user's,
// so these are the real generated serializers, publishers and dispatch.

[Event]
public sealed partial record OrderPlaced(
    [property: PartitionKey] Guid OrderId,
    string CustomerId,
    decimal Total);

[Command(Topic = "shipping.requests")]
public sealed partial record ShipmentRequested(
    [property: PartitionKey] string OrderReference,
    int Parcels,
    bool FailInHandler);
