using System.Globalization;
using System.Text;

namespace MessageContracts.Redis;

/// <summary>
/// Dead-letters an entry the transport gives up on before the core sees it: one delivered more than
/// <see cref="RedisTransportOptions.MaxDeliveries"/> times (its consumers kept dying or stopping while handling it). It
/// goes to the topic's dead-letter stream through the same sender and with the same reason fields (<c>mc_dlt_*</c>) as
/// the core's dead letters, so one tool reads both.
/// </summary>
internal sealed class PendingDeadLetters(ITransportSender sender, MessageContractsOptions core)
{
    public Task WriteAsync(InboundRecord record, long deliveries, int maxDeliveries, CancellationToken cancellationToken)
    {
        var headers = record.Headers is { } original ? new TransportHeaderList(original, extraCapacity: 6) : new TransportHeaderList(6);
        Add(headers, MessageHeaders.DeadLetterReason, string.Create(
            CultureInfo.InvariantCulture,
            $"Delivered {deliveries} times without being settled (more than MaxDeliveries, {maxDeliveries}): its consumers stopped or crashed while handling it each time."));
        Add(headers, MessageHeaders.DeadLetterOriginalTopic, record.Source);
        Add(headers, MessageHeaders.DeadLetterOriginalPartition, record.Lane.ToString(CultureInfo.InvariantCulture));
        Add(headers, MessageHeaders.DeadLetterOriginalOffset, record.Position.ToString(CultureInfo.InvariantCulture));
        Add(headers, MessageHeaders.DeadLetterConsumerGroup, core.ConsumerGroup);
        Add(headers, MessageHeaders.DeadLetterAttempts, deliveries.ToString(CultureInfo.InvariantCulture));
        var message = new OutboundMessage(
            record.Source + core.DeadLetterTopicSuffix,
            MessageKind.Event,
            Text(record.Headers, MessageHeaders.Id),
            Text(record.Headers, MessageHeaders.Type),
            record.Key,
            record.Value ?? [],
            headers);
        return sender.SendAsync(message, cancellationToken);
    }

    private static void Add(TransportHeaderList headers, string key, string value) => headers.Add(key, Encoding.UTF8.GetBytes(value));

    private static string Text(TransportHeaders? headers, string key)
    {
        try
        {
            return headers is not null && headers.TryGetLast(key, out var value) && value is { Length: <= 1024 } ? Encoding.UTF8.GetString(value) : string.Empty;
        }
        catch (ArgumentException)
        {
            return string.Empty;
        }
    }
}
