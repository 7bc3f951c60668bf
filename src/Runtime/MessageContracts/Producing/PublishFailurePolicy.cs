namespace MessageContracts;

/// <summary>
/// What a publish does when Kafka does not acknowledge the message in time: the three answers to a producer
/// timeout. Every attempt first goes through the idempotent producer's own bounded retries (with backoff,
/// within <see cref="MessageContractsOptions.PublishTimeout"/>); the policy decides what happens when those
/// are exhausted or the error cannot be retried.
/// </summary>
/// <remarks>
/// Choose one globally (<see cref="MessageContractsOptions.PublishFailurePolicy"/>), per contract
/// (<see cref="MessageContractsOptions.SetPublishFailurePolicy{TMessage}"/>), or per call
/// (<see cref="IEventPublisher{TEvent}.PublishAsync(TEvent, PublishFailurePolicy, CancellationToken)"/>,
/// <see cref="ICommandSender{TCommand}.SendAsync(TCommand, PublishFailurePolicy, CancellationToken)"/>, or
/// <see cref="PublishOptions.FailurePolicy"/>);
/// the most specific one wins. The message ID is fixed before the first attempt under every policy.
/// </remarks>
public enum PublishFailurePolicy
{
    /// <summary>
    /// The default. Kafka's idempotent producer retries with backoff until the publish timeout; then the
    /// call throws <see cref="PublishException"/> carrying the message ID, and the caller decides. A timeout
    /// means "unknown", not "not delivered": the record may have been stored with only its acknowledgement
    /// lost (<see cref="PublishException.Persistence"/> says whether it can have been). To send it again without a
    /// second effect, publish it with the same ID (<see cref="PublishOptions.MessageId"/> =
    /// <see cref="PublishException.MessageId"/>); consumers that deduplicate drop a copy that did arrive.
    /// </summary>
    Retry = 0,

    /// <summary>
    /// Explicit fire-and-forget: after the same bounded retries the failure is counted (the
    /// <c>messagecontracts.messages.publish_failed</c> counter) and logged, never thrown. The call completes
    /// with a <see cref="PublishResult"/> whose <see cref="PublishResult.Outcome"/> is
    /// <see cref="PublishOutcome.NotDelivered"/>. For messages whose loss is acceptable (telemetry-like events).
    /// </summary>
    Ignore = 1,

    /// <summary>
    /// After the same bounded retries the complete record (ID, topic, key, value, headers, reason, time,
    /// attempts) is written to the durable <see cref="IPublishFailureLog"/> and the call completes with
    /// <see cref="PublishOutcome.Logged"/> instead of throwing. <see cref="IPublishFailureReplayer.ReplayAsync"/>
    /// later re-sends each logged record with its original message ID, so consumers that deduplicate see it
    /// once. If the record cannot be written to the log either, the call throws <see cref="PublishException"/>.
    /// </summary>
    LogFailure = 2,
}
