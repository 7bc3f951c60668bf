using MessageContracts.Infrastructure;
using Microsoft.Extensions.Logging;

namespace MessageContracts;

/// <summary>
/// The first stage: reads each record's envelope (within <see cref="EnvelopeLimits"/>) and chooses its handlers, or
/// says why the record cannot be handled (it is then dead-lettered: with no usable ID it cannot even be deduplicated),
/// or that this service does not handle its type.
/// </summary>
internal sealed partial class RecordRouter
{
    private readonly HandlerCatalog catalog;
    private readonly EnvelopeLimits limits;
    private readonly ILogger logger;

    public RecordRouter(HandlerCatalog catalog, EnvelopeLimits limits, ILogger logger)
    {
        this.catalog = catalog;
        this.limits = limits;
        this.logger = logger;
    }

    public RoutedRecord Route(InboundRecord record)
    {
        if (!EnvelopeReader.TryRead(record.Headers, limits, out var envelope, out var reason))
        {
            return new RoutedRecord(null, null, reason);
        }

        return new RoutedRecord(envelope, catalog.Find(envelope.MessageType), null);
    }

    /// <summary>Logs a record skipped because no handler here takes its type: a topic may carry types other services handle.</summary>
    public void SkipNotHandledHere(InboundRecord record, InboundEnvelope envelope) =>
        LogNotHandledHere(envelope.MessageType, record.Source, record.Lane, record.Position);

    [LoggerMessage(Level = LogLevel.Debug, Message = "No handler here for message type '{MessageType}' ({Topic}[{Partition}]@{Offset}); skipped")]
    private partial void LogNotHandledHere(string messageType, string topic, int partition, long offset);
}

/// <summary>What <see cref="RecordRouter"/> made of a record.</summary>
/// <param name="Envelope">The envelope; null when the record is unreadable.</param>
/// <param name="Invoker">The handlers of its type; null when unreadable or not handled here.</param>
/// <param name="UnreadableReason">Why the envelope could not be read (the dead-letter reason), or null.</param>
internal readonly record struct RoutedRecord(InboundEnvelope? Envelope, MessageHandlerInvoker? Invoker, string? UnreadableReason)
{
    /// <summary>Whether the record goes through the deduplication gate and its handlers.</summary>
    public bool IsHandledHere => Invoker is not null;
}
