namespace MessageContracts;

/// <summary>Producer-side settings: the publish timeout and the failure policies.</summary>
public sealed partial class MessageContractsOptions
{
    private readonly Dictionary<Type, PublishFailurePolicy> contractFailurePolicies = [];

    /// <summary>
    /// How long the producer keeps trying to deliver one message (librdkafka's <c>message.timeout.ms</c>, also
    /// known as <c>delivery.timeout.ms</c>), retrying with backoff inside it, before the failure policy applies.
    /// Defaults to 30 seconds. Applies to every record of the service's one producer, dead letters and replays included.
    /// The producer's request timeouts are derived from it: a request Kafka does not answer is given up after a third of
    /// it (<c>socket.timeout.ms</c>, at most 60 s) and re-sent with the same bytes and message ID, so a hung request is
    /// retried before the publish times out. <see cref="ProducerSettings"/> may not set <c>message.timeout.ms</c>, nor
    /// a <c>socket.timeout.ms</c> of half of it or more (startup fails with an error saying what to change).
    /// </summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// What a publish does when Kafka does not acknowledge the message within <see cref="PublishTimeout"/>, for
    /// every contract without its own policy (<see cref="SetPublishFailurePolicy{TMessage}"/>). Defaults to
    /// <see cref="PublishFailurePolicy.Retry"/>: the call throws <see cref="PublishException"/>.
    /// </summary>
    public PublishFailurePolicy PublishFailurePolicy { get; set; } = PublishFailurePolicy.Retry;

    /// <summary>
    /// Where <see cref="PublishFailurePolicy.LogFailure"/> writes the messages Kafka did not acknowledge. Defaults to
    /// a <see cref="SqlitePublishFailureLog"/> in <see cref="SqlitePublishFailureLog.DefaultPath"/> for
    /// <see cref="ServiceName"/>, created on first use; use the PostgreSQL log when several instances share one, and
    /// <see cref="InMemoryPublishFailureLog"/> only in tests and demos. Resolve <see cref="IPublishFailureLog"/> from the
    /// container to read the one in use.
    /// </summary>
    public IPublishFailureLog? PublishFailureLog { get; set; }

    /// <summary>
    /// How long a message may wait in the <see cref="PublishFailureLog"/> for a replay: a record whose first failure
    /// is older is removed (checked at startup, then every hour), with a warning that counts it. Defaults to 30 days.
    /// <see cref="Timeout.InfiniteTimeSpan"/> keeps records until they are replayed. Replayed records do not wait for
    /// it: a replay removes each record once Kafka acknowledged it.
    /// </summary>
    /// <remarks>
    /// Consumers remember processed message IDs for <see cref="DeduplicationRetention"/> (7 days by default): a record
    /// replayed later than that, whose first attempt did reach Kafka, is handled a second time. Replay well within it.
    /// </remarks>
    public TimeSpan PublishFailureRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Sets the failure policy of one contract, which wins over <see cref="PublishFailurePolicy"/>; a policy given
    /// to a single publish call wins over both.
    /// </summary>
    /// <typeparam name="TMessage">An <c>[Event]</c> or <c>[Command]</c> contract.</typeparam>
    /// <param name="policy">The contract's policy.</param>
    /// <returns>The same options, for chaining.</returns>
    public MessageContractsOptions SetPublishFailurePolicy<TMessage>(PublishFailurePolicy policy)
        where TMessage : IMessageContract<TMessage>
    {
        if (!Enum.IsDefined(policy))
        {
            throw new ArgumentOutOfRangeException(nameof(policy), policy, "Not a PublishFailurePolicy.");
        }

        contractFailurePolicies[typeof(TMessage)] = policy;
        return this;
    }

    /// <summary>The policy of <paramref name="contractType"/>: its own if set, else the global one.</summary>
    internal PublishFailurePolicy PublishFailurePolicyFor(Type contractType) =>
        contractFailurePolicies.TryGetValue(contractType, out var policy) ? policy : PublishFailurePolicy;
}
