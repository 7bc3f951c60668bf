namespace MessageContracts.Transports;

/// <summary>
/// Implemented by a transport's <see cref="ITransportSender"/> that can hand a record back to its source after a delay
/// (RabbitMQ: through a retry queue whose TTL returns it to the queue). Once a record's handlers failed every in-process
/// attempt, the core asks it first; only when it declines (the record's delayed retries are used up, or the transport
/// keeps none for its source) is the record dead-lettered.
/// </summary>
/// <remarks>
/// A record handed back is settled (acknowledge it) but its message ID is not marked processed, so that the copy is
/// handled when it comes back; the copy must keep the ID and headers, and carry whatever the transport needs to count
/// its rounds.
/// </remarks>
public interface IDelayedRetrySender
{
    /// <summary>
    /// Sends a copy of <paramref name="record"/> to come back to its source later, and completes once the broker stored
    /// it; returns false, sending nothing, when the record has had all its delayed retries.
    /// </summary>
    /// <param name="record">The record whose handlers failed.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>Whether a retry was scheduled.</returns>
    Task<bool> TryRetryLaterAsync(InboundRecord record, CancellationToken cancellationToken);
}
