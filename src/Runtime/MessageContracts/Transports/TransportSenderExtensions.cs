namespace MessageContracts.Transports;

/// <summary>Awaitable sends, for callers that wait for each message (dead letters, the outbox relay, replays).</summary>
public static class TransportSenderExtensions
{
    /// <summary>Sends <paramref name="message"/> and completes when the broker stored it.</summary>
    /// <param name="sender">The transport's sender.</param>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Stops the wait (the message may still be delivered).</param>
    /// <returns>Where it was stored.</returns>
    /// <exception cref="TransportSendException">The message was not delivered.</exception>
    public static Task<TransportDelivery> SendAsync(this ITransportSender sender, in OutboundMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sender);
        var observer = new AwaitedDelivery();
        try
        {
            sender.Send(message, observer);
        }
        catch (Exception exception)
        {
            return Task.FromException<TransportDelivery>(exception);
        }

        return cancellationToken.CanBeCanceled ? observer.Task.WaitAsync(cancellationToken) : observer.Task;
    }

    private sealed class AwaitedDelivery() : TaskCompletionSource<TransportDelivery>(TaskCreationOptions.RunContinuationsAsynchronously), IDeliveryObserver
    {
        public void OnDelivered(TransportDelivery delivery) => TrySetResult(delivery);

        public void OnFailed(TransportSendFailure failure) => TrySetException(new TransportSendException(failure));
    }
}
