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
    /// Publishes <paramref name="message"/> with a new unique message ID and completes when Kafka has
    /// acknowledged it. When delivery fails, the contract's failure policy applies (see
    /// <see cref="MessageContractsOptions.PublishFailurePolicy"/>): by default (<see cref="PublishFailurePolicy.Retry"/>)
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
}
