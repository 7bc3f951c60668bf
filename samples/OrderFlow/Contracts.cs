using MessageContracts;

namespace OrderFlow;

/// <summary>A fact: the order was placed. Any number of services may react.</summary>
[Event]
public sealed partial record OrderPlaced(
    [property: PartitionKey] Guid OrderId,
    string CustomerId,
    decimal Total);

/// <summary>A request to the loyalty service, and to it alone.</summary>
[Command(Topic = "loyalty.grant-points")]
public sealed partial record GrantPoints(
    [property: PartitionKey] string CustomerId,
    int Points,
    Guid OrderId);
