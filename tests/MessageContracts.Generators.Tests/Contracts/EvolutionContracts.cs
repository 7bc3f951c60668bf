using System.Collections.Immutable;

// Two versions of the same contracts, compiled by the real build: V1 is what an old service was built with, V2 the
// next version after one compatible change each (docs/contracts.md, "Evolving a contract"). A pair has one type name,
// so one ce_type and one topic: a V1 reader gets V2's records on the wire and the other way round. No handlers, so the
// shared message types stay out of the generated dispatch.
namespace MessageContracts.Generators.Tests.Evolution.V1
{
    /// <summary>Before: no optional members yet.</summary>
    [Event]
    public sealed partial record ParcelBooked([property: PartitionKey] Guid ParcelId, string Destination, decimal Weight, Handling Handling);

    /// <summary>A message part that is a class, not a record: V2 adds an <c>init</c> member with an initializer.</summary>
    public sealed class Handling
    {
        public bool Fragile { get; init; }
    }

    /// <summary>Before: optional members of each kind (nullable, parameter default, initializer) that V2 removes.</summary>
    [Event]
    public sealed partial record ParcelWeighed([property: PartitionKey] Guid ParcelId, decimal Weight, string? Scale, int Retries = 0)
    {
        public string Unit { get; init; } = "kg";

        public IReadOnlyList<string>? Readings { get; init; }
    }

    public enum ParcelState
    {
        Created,
        Sorted,
        Delivered,
    }

    /// <summary>Before: the enum without <c>Returned</c>.</summary>
    [Event]
    public sealed partial record ParcelStateChanged([property: PartitionKey] Guid ParcelId, ParcelState State, ParcelState? Previous, IReadOnlyList<ParcelState> History);

    /// <summary>A message part: V2 adds <c>PostalCode</c> and removes <c>Region</c>, both optional.</summary>
    public sealed record Address(string Street, string City, string? Region);

    /// <summary>Before: the nested part as V1 has it, alone, nullable, and in a list.</summary>
    [Event]
    public sealed partial record ParcelAddressed([property: PartitionKey] Guid ParcelId, Address To, Address? From, IReadOnlyList<Address> Stops);

    /// <summary>A message part that is the same in both versions.</summary>
    public sealed record Dimensions(int Length, int Width);

    /// <summary>Before: members that cannot be null; V2 makes them nullable.</summary>
    [Event]
    public sealed partial record ParcelCounted([property: PartitionKey] Guid ParcelId, int Count, string Label, ParcelState State, Dimensions Size);
}

namespace MessageContracts.Generators.Tests.Evolution.V2
{
    /// <summary>After: new optional members of each kind; the part gains one too.</summary>
    [Event]
    public sealed partial record ParcelBooked(
        [property: PartitionKey] Guid ParcelId,
        string Destination,
        decimal Weight,
        Handling Handling,
        string? Note,
        int Attempts = 1,
        ParcelState? State = null,
        ImmutableArray<int> Slots = default)
    {
        public string Carrier { get; init; } = "post";

        public IReadOnlyDictionary<string, string>? Labels { get; init; }
    }

    /// <summary>The class part, with a new <c>init</c> member whose initializer an old record keeps.</summary>
    public sealed class Handling
    {
        public bool Fragile { get; init; }

        public string Priority { get; init; } = "normal";
    }

    /// <summary>After: the optional members are gone.</summary>
    [Event]
    public sealed partial record ParcelWeighed([property: PartitionKey] Guid ParcelId, decimal Weight);

    public enum ParcelState
    {
        Created,
        Sorted,
        Delivered,
        Returned,
    }

    /// <summary>After: the enum has <c>Returned</c>.</summary>
    [Event]
    public sealed partial record ParcelStateChanged([property: PartitionKey] Guid ParcelId, ParcelState State, ParcelState? Previous, IReadOnlyList<ParcelState> History);

    /// <summary>The part after: <c>PostalCode</c> added, <c>Region</c> removed.</summary>
    public sealed record Address(string Street, string City, string? PostalCode);

    /// <summary>After: the nested part changed compatibly.</summary>
    [Event]
    public sealed partial record ParcelAddressed([property: PartitionKey] Guid ParcelId, Address To, Address? From, IReadOnlyList<Address> Stops);

    /// <summary>A message part that is the same in both versions.</summary>
    public sealed record Dimensions(int Length, int Width);

    /// <summary>After: the same members, nullable.</summary>
    [Event]
    public sealed partial record ParcelCounted([property: PartitionKey] Guid ParcelId, int? Count, string? Label, ParcelState? State, Dimensions? Size);

    /// <summary>Not a compatible change: V1's <c>ParcelBooked</c> plus a member without a default that cannot be null.</summary>
    [Event(Type = "ParcelBooked")]
    public sealed partial record ParcelBookedWithRequiredMember(
        [property: PartitionKey] Guid ParcelId,
        string Destination,
        decimal Weight,
        V1.Handling Handling,
        int Revision);
}
