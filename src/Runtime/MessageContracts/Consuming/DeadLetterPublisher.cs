using System.Globalization;
using System.Text;
using MessageContracts.Transports;
using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>
/// Writes a record that cannot be handled to its topic's dead-letter destination, through the transport's sender, with
/// the original key, value and headers plus headers that say why, where it came from, which group gave up, and after
/// how many attempts. Completes only when the broker has acknowledged it, so the caller may then settle the original.
/// </summary>
internal sealed class DeadLetterPublisher : IDeadLetterSink
{
    private readonly ITransportSender sender;
    private readonly MessageContractsOptions options;

    public DeadLetterPublisher(ITransportSender sender, IOptions<MessageContractsOptions> options)
    {
        this.sender = sender;
        this.options = options.Value;
    }

    /// <summary>The most characters of a reason kept in the dead-letter header and the log.</summary>
    internal const int MaxReasonLength = 1_000;

    public string DeadLetterTopicFor(string topic) => topic + options.DeadLetterTopicSuffix;

    /// <summary>
    /// <paramref name="reason"/> cut to <see cref="MaxReasonLength"/> characters. Reasons quote exception messages, and a
    /// parser's message may quote the payload: a hostile megabyte of garbage must not come back as a megabyte of reason
    /// (in the log, and in a dead-letter record that would then be too large to write).
    /// </summary>
    internal static string BoundReason(string reason) =>
        reason.Length <= MaxReasonLength
            ? reason
            : string.Create(CultureInfo.InvariantCulture, $"{reason.AsSpan(0, MaxReasonLength)}... ({reason.Length - MaxReasonLength:N0} more characters cut)");

    public Task<bool> TryRetryLaterAsync(InboundRecord record, CancellationToken cancellationToken) =>
        sender is IDelayedRetrySender delayed ? delayed.TryRetryLaterAsync(record, cancellationToken) : Task.FromResult(false);

    public async Task PublishAsync(InboundRecord record, string reason, Exception? exception, int attempts, CancellationToken cancellationToken)
    {
        reason = BoundReason(reason);
        var headers = record.Headers is { } original ? new TransportHeaderList(original, extraCapacity: 7) : new TransportHeaderList(7);
        AddReasons(headers, record, reason, exception, attempts);
        var destination = DeadLetterTopicFor(record.Source);
        var (messageId, messageType) = Identity(record.Headers);
        try
        {
            await sender.SendAsync(new OutboundMessage(destination, MessageKind.Event, messageId, messageType, record.Key, record.Value ?? [], headers), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (TransportSendException refused) when (refused.Failure.TooLarge)
        {
            // The copy, with the reasons added, is over the producer's (or the broker's) message size: retrying cannot
            // help, and the partition must not stall on it. Write the reasons and where to find the record instead; the
            // original stays in its topic until the retention removes it.
            var stub = new TransportHeaderList(7);
            var size = record.Size;
            AddReasons(
                stub,
                record,
                reason + string.Create(CultureInfo.InvariantCulture, $" (The record, {size:N0} bytes of key, value and headers, was too large to copy to the dead-letter topic: read it at {record.Source}[{record.Lane}]@{record.Position} before the topic's retention removes it.)"),
                exception,
                attempts);
            var reference = new OutboundMessage(destination, MessageKind.Event, messageId, messageType, record.Key is { Length: <= 1024 } key ? key : null, [], stub);
            await sender.SendAsync(reference, cancellationToken).ConfigureAwait(false);
        }

        MessagingTelemetry.DeadLettered.Add(1, MessagingTelemetry.Consumed(record.Source, options.ConsumerGroup));
    }

    private void AddReasons(TransportHeaderList headers, InboundRecord record, string reason, Exception? exception, int attempts)
    {
        Add(headers, MessageHeaders.DeadLetterReason, reason);
        if (exception is not null)
        {
            Add(headers, MessageHeaders.DeadLetterExceptionType, exception.GetType().FullName ?? exception.GetType().Name);
        }

        Add(headers, MessageHeaders.DeadLetterOriginalTopic, record.Source);
        Add(headers, MessageHeaders.DeadLetterOriginalPartition, record.Lane.ToString(CultureInfo.InvariantCulture));
        Add(headers, MessageHeaders.DeadLetterOriginalOffset, record.Position.ToString(CultureInfo.InvariantCulture));
        Add(headers, MessageHeaders.DeadLetterConsumerGroup, options.ConsumerGroup);
        Add(headers, MessageHeaders.DeadLetterAttempts, attempts.ToString(CultureInfo.InvariantCulture));
    }

    private static void Add(TransportHeaderList headers, string key, string value) => headers.Add(key, Encoding.UTF8.GetBytes(value));

    /// <summary>The original's ce_id and ce_type when readable (a transport may map them onto native properties), else empty.</summary>
    private static (string MessageId, string MessageType) Identity(TransportHeaders? headers)
    {
        if (headers is null)
        {
            return (string.Empty, string.Empty);
        }

        return (Text(headers, MessageHeaders.Id), Text(headers, MessageHeaders.Type));

        static string Text(TransportHeaders headers, string key)
        {
            try
            {
                return headers.TryGetLast(key, out var value) && value is { Length: <= 1024 } ? Encoding.UTF8.GetString(value) : string.Empty;
            }
            catch (ArgumentException)
            {
                return string.Empty;
            }
        }
    }
}
