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
    /// acknowledged it (or throws <see cref="PublishException"/> when delivery failed).
    /// </summary>
    /// <param name="message">The event.</param>
    /// <param name="cancellationToken">Stops waiting for the acknowledgement; the record may still be delivered.</param>
    /// <returns>Where the event was written and the ID it carries.</returns>
    Task<PublishResult> PublishAsync(TEvent message, CancellationToken cancellationToken = default);
}
