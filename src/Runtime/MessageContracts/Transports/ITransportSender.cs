namespace MessageContracts.Transports;

/// <summary>
/// A transport's sending side: the one the core's publishers, command senders, dead letters, outbox relay and publish
/// failure replay all send through. One instance per service, shared and thread-safe.
/// </summary>
public interface ITransportSender
{
    /// <summary>
    /// Makes <paramref name="destination"/> ready before its first message (creates the topic, declares the exchange or
    /// queue, where the transport and its settings do that). The core calls it once per destination and process and keeps
    /// the task.
    /// </summary>
    /// <param name="destination">The topic name.</param>
    /// <param name="cancellationToken">Cancels the wait (not necessarily the creation).</param>
    /// <returns>Completes when the destination can be sent to.</returns>
    Task PrepareAsync(string destination, CancellationToken cancellationToken);

    /// <summary>
    /// Sends <paramref name="message"/> and tells <paramref name="observer"/> the outcome, once. Returns without waiting
    /// for the broker; must not throw for a failed send (report it to the observer instead, even when it is refused at
    /// once). The message's ID and headers are sent exactly as given: a retry re-sends the same bytes.
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="observer">Told the outcome.</param>
    void Send(in OutboundMessage message, IDeliveryObserver observer);
}
