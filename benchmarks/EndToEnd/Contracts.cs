using System.Diagnostics;
using System.Text.Json.Serialization;
using MessageContracts;

namespace MessageContracts.Benchmarks.EndToEnd;

/// <summary>
/// The benchmark message: about 250 bytes of JSON. <see cref="SentAt"/> is the <see cref="Stopwatch"/> timestamp taken
/// just before the publish call, so the handler can compute publish-to-handle latency (one process, one clock).
/// </summary>
[Event(Topic = BenchTopics.Orders)]
public sealed partial record BenchOrderPlaced(
    [property: PartitionKey] Guid OrderId,
    string CustomerId,
    decimal Total,
    DateTimeOffset PlacedAt,
    int ItemCount,
    long SentAt,
    string Note)
{
    /// <summary>Pads the payload to about 250 bytes.</summary>
    public const string DefaultNote = "Deliver between 9 and 17, ring twice; leave with the neighbour if nobody is home.";

    public static BenchOrderPlaced Create(long sequence) => new(
        Guid.NewGuid(),
        "customer-" + (sequence % 10_000).ToString("D5", System.Globalization.CultureInfo.InvariantCulture),
        123.45m,
        DateTimeOffset.UtcNow,
        3,
        Stopwatch.GetTimestamp(),
        DefaultNote);
}

internal static class BenchTopics
{
    public const string Orders = "bench.orders";
}

/// <summary>System.Text.Json source generation for the raw Confluent.Kafka contender, with the same member names.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(BenchOrderPlaced))]
internal sealed partial class BenchJsonContext : JsonSerializerContext
{
}

/// <summary>The toolkit contenders' handler: records the latency and counts.</summary>
[Idempotent]
public sealed class BenchOrderHandler(LatencySink sink) : IMessageHandler<BenchOrderPlaced>
{
    public Task HandleAsync(BenchOrderPlaced message, MessageContext context, CancellationToken cancellationToken)
    {
        sink.Record(message.SentAt);
        return Task.CompletedTask;
    }
}
