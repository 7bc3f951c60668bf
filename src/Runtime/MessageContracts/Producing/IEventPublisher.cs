namespace MessageContracts;

/// <summary>
/// Publishes one kind of event. Resolve it from the service container; it accepts <c>[Event]</c> records
/// only (a <c>[Command]</c> does not satisfy the type constraint, so the mistake fails to compile).
/// </summary>
/// <typeparam name="TEvent">An <c>[Event]</c> record.</typeparam>
public interface IEventPublisher<TEvent>
    where TEvent : IEventContract<TEvent>
{
    /// <summary>
    /// Publishes <paramref name="message"/> and completes when Kafka has acknowledged it. The message
    /// gets its ID (<c>ce_id</c>) here, once: from the contract's <c>[MessageId]</c> member when it has one, else a new UUIDv7.
    /// When delivery fails, the contract's failure policy applies (see <see cref="MessageContractsOptions.PublishFailurePolicy"/>): by default (<see cref="PublishFailurePolicy.Retry"/>)
    /// it throws <see cref="PublishException"/>.
    /// </summary>
    /// <param name="message">The event.</param>
    /// <param name="cancellationToken">Stops waiting for the acknowledgement; the record may still be delivered.</param>
    /// <returns>Where the event was written and the ID it carries.</returns>
    Task<PublishResult> PublishAsync(TEvent message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Like <see cref="PublishAsync(TEvent, CancellationToken)"/>, with the failure policy of this one call:
    /// it overrides the contract's and the global policy.
    /// </summary>
    /// <param name="message">The event.</param>
    /// <param name="policy">What to do when Kafka does not acknowledge the event.</param>
    /// <param name="cancellationToken">Stops waiting for the acknowledgement; the record may still be delivered.</param>
    /// <returns>
    /// Where the event was written and the ID it carries; under <see cref="PublishFailurePolicy.Ignore"/> or
    /// <see cref="PublishFailurePolicy.LogFailure"/>, a result whose <see cref="PublishResult.Outcome"/> says it was not delivered.
    /// </returns>
    Task<PublishResult> PublishAsync(TEvent message, PublishFailurePolicy policy, CancellationToken cancellationToken = default);

    /// <summary>
    /// Like <see cref="PublishAsync(TEvent, CancellationToken)"/>, with the settings of this one call: the message ID to
    /// use (to send again a message whose publish failed, with <see cref="PublishException.MessageId"/>) and the failure
    /// policy. A property left <see langword="null"/> keeps the default.
    /// </summary>
    /// <param name="message">The event.</param>
    /// <param name="options">This call's settings.</param>
    /// <param name="cancellationToken">Stops waiting for the acknowledgement; the record may still be delivered.</param>
    /// <returns>Where the event was written and the ID it carries.</returns>
    /// <exception cref="ArgumentException"><see cref="PublishOptions.MessageId"/> is empty, longer than 200 characters, or not printable ASCII.</exception>
    /// <remarks>
    /// The default implementation, for implementations of this interface written before this overload existed (test
    /// doubles), forwards to the other overloads and refuses a <see cref="PublishOptions.MessageId"/>.
    /// </remarks>
    Task<PublishResult> PublishAsync(TEvent message, PublishOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MessageId is not null)
        {
            throw new NotSupportedException($"{GetType()} does not implement PublishAsync with PublishOptions.MessageId: implement IEventPublisher<TEvent>.PublishAsync(TEvent, PublishOptions, CancellationToken).");
        }

        return options.FailurePolicy is { } policy ? PublishAsync(message, policy, cancellationToken) : PublishAsync(message, cancellationToken);
    }
}
