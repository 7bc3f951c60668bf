namespace MessageContracts.Transports;

/// <summary>
/// Told the outcome of one <see cref="ITransportSender.Send"/>, exactly once. The core's publish operation is its own
/// observer, so a publish allocates no extra completion object.
/// </summary>
/// <remarks>
/// A transport may call it on its client's I/O thread, in the order the broker reported (for Kafka, one partition's
/// messages in order): an observer must not block, and the core takes a failed message's place in the publish failure
/// log right there, so a replay keeps that order.
/// </remarks>
public interface IDeliveryObserver
{
    /// <summary>The broker stored the message.</summary>
    /// <param name="delivery">Where.</param>
    void OnDelivered(TransportDelivery delivery);

    /// <summary>The message was not delivered (refused before it was queued, or the transport's retries are over).</summary>
    /// <param name="failure">Why.</param>
    void OnFailed(TransportSendFailure failure);
}
