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

    [LoggerMessage(Level = LogLevel.Error, Message = "Dead-lettering {Topic}[{Partition}]@{Offset} to '{DeadLetterTopic}': {Reason}")]
    private partial void LogDeadLettering(string topic, int partition, long offset, string deadLetterTopic, string reason);
}
