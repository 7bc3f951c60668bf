namespace MessageContracts;

/// <summary>Consumer-side settings: concurrency, deduplication and handler retries.</summary>
public sealed partial class MessageContractsOptions
{
    private readonly Dictionary<Type, Action<RetryOptions>> handlerRetries = [];

    /// <summary>
    /// How many partitions run their handlers at the same time. Records of one partition are always handled one
    /// after another, in offset order; handlers of different partitions run in parallel up to this limit.
    /// Defaults to twice the processor count; 1 runs every handler alone.
    /// </summary>
    /// <remarks>
    /// A partition waiting for the deduplication store (its claims, its marks) does not hold one of these slots: the
    /// limit bounds the work your handlers do at once, and the store's group commit can take the round trips of every
    /// partition together.
    /// </remarks>
    public int MaxConcurrency { get; set; } = Environment.ProcessorCount * 2;

    /// <summary>
    /// How many fetched records may wait per partition before the consumer pauses fetching that partition.
    /// Defaults to 10,000.
    /// </summary>
    /// <remarks>
    /// Memory is bounded by <see cref="MaxQueuedBytesPerPartition"/>; this count is a second, coarse bound. It is high on
    /// purpose: pausing a partition makes librdkafka drop the records it had prefetched for it, and a resumed partition
    /// is fetched again only after a delay (measured on the embedded Kafka: about 2,900 records dropped and 0.5 to 0.9 s
    /// without records per pause). At 500 the consumer paused every partition again and again and stalled at about
    /// 4,000 messages/s, whatever the store. Small records rarely reach this bound; large ones reach the byte bound first.
    /// </remarks>
    public int MaxQueuedRecordsPerPartition { get; set; } = 10_000;

    /// <summary>
    /// Where processed message IDs are remembered. Defaults to a SQLite file per consumer group
    /// (<see cref="SqliteDeduplicationStore.DefaultPath"/>); use a <c>PostgreSqlDeduplicationStore</c> when
    /// several instances of a service run, and <see cref="InMemoryDeduplicationStore"/> only in tests and demos.
    /// </summary>
    public IDeduplicationStore? DeduplicationStore { get; set; }

    /// <summary>
    /// How long a claim on a message protects it from being processed by another instance, unless renewed. The claim
    /// is renewed every third of this while the handlers run (retries included), so a slow handler keeps it; an
    /// instance that dies or stalls mid-handler blocks the message for at most this long. Defaults to 2 minutes; at
    /// least 1 second.
    /// </summary>
    public TimeSpan DeduplicationLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long processed message IDs are remembered. Defaults to 7 days.</summary>
    public TimeSpan DeduplicationRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The retry policy of every handler, unless <see cref="ConfigureHandlerRetry{THandler}"/> says otherwise.</summary>
    public RetryOptions Retry { get; } = new();

    /// <summary>Sets the retry policy of one handler type, starting from a copy of <see cref="Retry"/>.</summary>
    /// <typeparam name="THandler">The handler class.</typeparam>
    /// <param name="configure">Changes the copy.</param>
    /// <returns>The same options, for chaining.</returns>
    public MessageContractsOptions ConfigureHandlerRetry<THandler>(Action<RetryOptions> configure)
        where THandler : class
    {
        ArgumentNullException.ThrowIfNull(configure);
        handlerRetries[typeof(THandler)] = configure;
        return this;
    }

    /// <summary>The effective retry policy of each handler type that has its own.</summary>
    internal IReadOnlyDictionary<Type, RetryOptions> BuildHandlerRetries()
    {
        var result = new Dictionary<Type, RetryOptions>();
        foreach (var (handlerType, configure) in handlerRetries)
        {
            var options = Retry.Clone();
            configure(options);
            result[handlerType] = options;
        }

        return result;
    }
}
