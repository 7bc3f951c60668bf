using Microsoft.Extensions.Logging;

namespace MessageContracts;

/// <summary>
/// Dead-letters a record with its reason: logs it, then writes it through the <see cref="IDeadLetterSink"/>, retried
/// (<see cref="PersistenceRetry"/>) until the write is durable, because the record's offset may be stored only then.
/// </summary>
internal sealed partial class DeadLetterStage(IDeadLetterSink sink, PersistenceRetry persistence, ILogger logger)
{
    private readonly ILogger logger = logger;

    public async Task DeadLetterAsync(InboundRecord record, string reason, Exception? exception, int attempts, CancellationToken cancellationToken)
    {
        reason = DeadLetterPublisher.BoundReason(reason);
        LogDeadLettering(record.Source, record.Lane, record.Position, sink.DeadLetterTopicFor(record.Source), reason);
        await persistence.RunAsync(
            "write to the dead-letter topic",
            (Sink: sink, Record: record, Reason: reason, Exception: exception, Attempts: attempts),
            static (state, token) => state.Sink.PublishAsync(state.Record, state.Reason, state.Exception, state.Attempts, token),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Hands the record back to the transport for a delayed retry; false when it keeps none, the record's retries are
    /// used up, or the hand-over failed (then the record is dead-lettered: never lost, and never stalled on a retry queue).
    /// </summary>
    public async Task<bool> TryRetryLaterAsync(InboundRecord record, CancellationToken cancellationToken)
    {
        try
        {
            return await sink.TryRetryLaterAsync(record, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogRetryLaterFailed(exception, record.Source, record.Lane, record.Position);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not schedule a delayed retry of {Topic}[{Partition}]@{Offset}; dead-lettering it instead")]
    private partial void LogRetryLaterFailed(Exception exception, string topic, int partition, long offset);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dead-lettering {Topic}[{Partition}]@{Offset} to '{DeadLetterTopic}': {Reason}")]
    private partial void LogDeadLettering(string topic, int partition, long offset, string deadLetterTopic, string reason);
}
