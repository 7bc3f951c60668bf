namespace Warehouse.Contracts
{
    using MessageContracts;

    /// <summary>Stock was set aside for an order (block namespace, nominal record with init members).</summary>
    [Event(Topic = "warehouse.inventory-reserved")]
    public sealed partial record InventoryReserved
    {
        [PartitionKey]
        public required string Sku { get; init; }

        public required int Quantity { get; init; }

        public Guid OrderId { get; init; }

        public IReadOnlyList<string> Bins { get; init; } = [];
    }
}
