namespace Warehouse.Contracts;

// Relies on the global using of MessageContracts (GlobalUsings.cs).
public static partial class Parcels
{
    /// <summary>A nested record struct contract.</summary>
    [Event]
    public readonly partial record struct ParcelWeighed([property: PartitionKey] long ParcelId, double Kilograms, DateTimeOffset WeighedAt);
}
