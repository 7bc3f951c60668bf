using MessageContracts.Transports;

namespace MessageContracts;

/// <summary>
/// One publish between <see cref="ITransportSender.Send"/> and its outcome: the task the caller awaits and the delivery
/// observer in one object, so a publish allocates no second completion source and no async state machine for the wait.
/// </summary>
/// <remarks>
/// The delivery handler runs on librdkafka's poll thread, which serves every publish of the service: it must not
/// throw, block, or run the caller's code. So continuations run asynchronously (on the thread pool), and a failure goes
/// to the <see cref="PublishFailureHandler"/> right there, where the failure log takes its place in delivery order.
/// </remarks>
internal sealed class PublishOperation : TaskCompletionSource<PublishResult>, IDeliveryObserver
{
    private readonly PublishFailureHandler failureHandler;
    private readonly PublishFailurePolicy policy;
    private readonly OutboundMessage message;

    public PublishOperation(PublishFailureHandler failureHandler, PublishFailurePolicy policy, in OutboundMessage message)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        this.failureHandler = failureHandler;
        this.policy = policy;
        this.message = message;
    }

    /// <summary>The message was stored.</summary>
    public void OnDelivered(TransportDelivery delivery)
    {
        try
        {
            MessagingTelemetry.Published.Add(1, MessagingTelemetry.Destination(message.Destination));
            TrySetResult(new PublishResult(message.MessageId, message.Destination, delivery.Lane, delivery.Position) { Receivers = delivery.Receivers });
        }
        catch (Exception exception)
        {
            TrySetException(exception);
        }
    }

    /// <summary>Refused before it was queued, or the transport's bounded retries are over: the policy decides.</summary>
    public void OnFailed(TransportSendFailure failure)
    {
        try
        {
            CompleteWith(failureHandler.HandleAsync(policy, message, failure));
        }
        catch (Exception exception)
        {
            TrySetException(exception);
        }
    }

    /// <summary>Completes like <paramref name="outcome"/> (the failure policy's result), now or when it completes.</summary>
    private void CompleteWith(Task<PublishResult> outcome)
    {
        if (outcome.IsCompleted)
        {
            CopyFrom(outcome);
        }
        else
        {
            outcome.ContinueWith(
                static (completed, state) => ((PublishOperation)state!).CopyFrom(completed),
                this,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private void CopyFrom(Task<PublishResult> outcome)
    {
        if (outcome.IsCompletedSuccessfully)
        {
            TrySetResult(outcome.Result);
        }
        else if (outcome.IsCanceled)
        {
            TrySetCanceled();
        }
        else
        {
            // The same exception objects (a PublishException under Retry): awaiting this task throws the first of them.
            TrySetException(outcome.Exception!.InnerExceptions);
        }
    }
}
