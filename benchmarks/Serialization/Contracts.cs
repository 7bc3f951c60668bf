using System.Text.Json.Serialization;
using MessageContracts;

namespace MessageContracts.Benchmarks.Serialization;

/// <summary>The small contract: five scalar members.</summary>
[Event(Topic = "bench.order-placed")]
public sealed partial record SmallOrderPlaced(
    [property: PartitionKey] Guid OrderId,
    string CustomerId,
    decimal Total,
    DateTimeOffset PlacedAt,
    int ItemCount);

/// <summary>The large contract: nested message parts, a list of parts, a list of strings and a dictionary.</summary>
[Event(Topic = "bench.order-submitted")]
public sealed partial record LargeOrderSubmitted(
    [property: PartitionKey] Guid OrderId,
    string CustomerId,
    DateTimeOffset SubmittedAt,
    Address ShipTo,
    Address? BillTo,
    IReadOnlyList<LineItem> Lines,
    IReadOnlyList<string> Coupons,
    Dictionary<string, string> Attributes,
    Money Total,
    long Revision,
    bool Express,
    string? Note);

/// <summary>A postal address.</summary>
public sealed record Address(string Street, string City, string PostalCode, string Country);

/// <summary>One order line.</summary>
public sealed record LineItem(string Sku, string Description, int Quantity, Money UnitPrice);

/// <summary>An amount in a currency.</summary>
public sealed record Money(decimal Amount, string Currency);

/// <summary>
/// System.Text.Json's source-generated serializers for the same types, with the generated serializer's member naming
/// (camelCase), so all contenders read and write the same JSON.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SmallOrderPlaced))]
[JsonSerializable(typeof(LargeOrderSubmitted))]
internal sealed partial class BenchJsonContext : JsonSerializerContext
{
}

/// <summary>The instances every benchmark serializes.</summary>
internal static class Samples
{
    public static SmallOrderPlaced Small { get; } = new(
        Guid.Parse("0193a1c2-7b4e-7c3a-9f21-5d6e7f809a1b"),
        "customer-000042",
        1234.56m,
        new DateTimeOffset(2026, 11, 25, 10, 30, 15, 123, TimeSpan.Zero),
        3);

    public static LargeOrderSubmitted Large { get; } = new(
        Guid.Parse("0193a1c2-7b4e-7c3a-9f21-5d6e7f809a1c"),
        "customer-000042",
        new DateTimeOffset(2026, 11, 25, 10, 30, 15, 123, TimeSpan.Zero),
        new Address("1 Main Street", "Springfield", "12345", "US"),
        new Address("PO Box 99", "Shelbyville", "54321", "US"),
        [.. Enumerable.Range(1, 10).Select(i => new LineItem($"SKU-{i:D5}", $"Item number {i}, a thing you need", i, new Money(9.99m * i, "EUR")))],
        ["WELCOME10", "FREESHIP"],
        new Dictionary<string, string>(StringComparer.Ordinal) { ["channel"] = "web", ["campaign"] = "black-friday", ["device"] = "mobile" },
        new Money(549.45m, "EUR"),
        7,
        true,
        "Leave at the back door, please.");
}

/// <summary>
/// Calls the generated serializer the way the runtime does: through the static abstract members of
/// <see cref="IMessageContract{TSelf}"/> (the contract implements them explicitly).
/// </summary>
internal static class Generated
{
    public static void Serialize<T>(System.Text.Json.Utf8JsonWriter writer, T message)
        where T : IMessageContract<T> => T.Serialize(writer, message);

    public static T Deserialize<T>(ReadOnlySpan<byte> utf8Json)
        where T : IMessageContract<T> => T.Deserialize(utf8Json);
}
