using Confluent.Kafka;

namespace MessageContracts;

/// <summary>
/// One publish between <c>Produce</c> and its delivery report: the task the caller awaits and the delivery handler in
/// one object, so a publish allocates no closure, no second completion source and no async state machine for the wait.
/// </summary>
/// <remarks>
/// The delivery handler runs on librdkafka's poll thread, which serves every publish of the service: it must not
/// throw, block, or run the caller's code. So continuations run asynchronously (on the thread pool), and a failure goes
/// to the <see cref="PublishFailureHandler"/> right there, where the failure log takes its place in delivery order.
/// </remarks>
internal sealed class PublishOperation : TaskCompletionSource<PublishResult>
{
    private readonly PublishFailureHandler failureHandler;
    private readonly PublishFailurePolicy policy;
    private readonly string messageId;
    private readonly string messageType;
    private readonly string topic;
    private readonly Message<byte[]?, byte[]> record;

    public PublishOperation(
        PublishFailureHandler failureHandler,
        PublishFailurePolicy policy,
        string messageId,
        string messageType,
        string topic,
        Message<byte[]?, byte[]> record)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        this.failureHandler = failureHandler;
        this.policy = policy;
        this.messageId = messageId;
        this.messageType = messageType;
        this.topic = topic;
        this.record = record;
        OnDelivered = Deliver;
    }

    /// <summary>The delivery handler to give to <c>Produce</c>.</summary>
    public Action<DeliveryReport<byte[]?, byte[]>> OnDelivered { get; }

    /// <summary>The record was refused before it was queued (local queue full, message too large): the policy decides.</summary>
    public void Refused(ProduceException<byte[]?, byte[]> exception) =>
        CompleteWith(failureHandler.HandleAsync(policy, messageId, messageType, topic, record, exception));

    private void Deliver(DeliveryReport<byte[]?, byte[]> report)
    {
        try
        {
            if (report.Error.IsError)
            {
                // librdkafka's bounded retries (within PublishTimeout) are over, or the error was not retriable.
                CompleteWith(failureHandler.HandleAsync(policy, messageId, messageType, topic, record, new ProduceException<byte[]?, byte[]>(report.Error, report)));
                return;
            }

            MessagingTelemetry.Published.Add(1, MessagingTelemetry.Destination(topic));
            TrySetResult(new PublishResult(messageId, topic, report.Partition.Value, report.Offset.Value));
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
