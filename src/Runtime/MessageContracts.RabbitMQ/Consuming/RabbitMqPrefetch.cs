namespace MessageContracts.RabbitMQ.Consuming;

/// <summary>
/// The prefetch of the transport's consumers, derived from the concurrency, and the batch a lane takes from it.
/// Deliveries are settled in batches (one deduplication claim and one mark for a batch), so the window holds a batch
/// for every lane: while one lane waits for the store, the others have deliveries at hand, and the broker refills the
/// window as each batch is acknowledged. Measured in docs/benchmarks.md: with 2 deliveries per lane (batches of 2),
/// the store commits bound the consumer; 16 per lane settles about as fast as raw RabbitMQ.Client with that prefetch.
/// </summary>
internal static class RabbitMqPrefetch
{
    /// <summary>Deliveries per lane in the window, which is also the largest batch a lane takes.</summary>
    public const int PerLane = 16;

    /// <summary>The prefetch for <paramref name="lanes"/> lanes.</summary>
    public static ushort For(int lanes) => (ushort)Math.Clamp(lanes * PerLane, 1, ushort.MaxValue);
}
