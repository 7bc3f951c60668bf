using System.Text.Json.Serialization;

namespace MessageContracts.Benchmarks.Headers;

/// <summary>The payload of benchmarks/EndToEnd (252 bytes of JSON), without the toolkit's attributes.</summary>
internal sealed record BenchOrderPlaced(Guid OrderId, string CustomerId, decimal Total, DateTimeOffset PlacedAt, int ItemCount, long SentAt, string Note)
{
    public const string DefaultNote = "Deliver between 9 and 17, ring twice; leave it with the neighbour.";

    public static BenchOrderPlaced Create(long sequence) => new(
        Guid.NewGuid(),
        "customer-" + (sequence % 10_000).ToString("D5", System.Globalization.CultureInfo.InvariantCulture),
        123.45m,
        DateTimeOffset.UtcNow,
        3,
        System.Diagnostics.Stopwatch.GetTimestamp(),
        DefaultNote);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(BenchOrderPlaced))]
internal sealed partial class BenchJsonContext : JsonSerializerContext
{
}
