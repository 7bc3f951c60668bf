using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>
/// Writes a record that cannot be handled to its topic's dead-letter topic, with the original key, value and
/// headers plus headers that say why, where it came from, which group gave up, and after how many attempts.
/// Completes only when Kafka has acknowledged it, so the caller may then commit the original offset.
/// </summary>
internal sealed class DeadLetterPublisher : IDeadLetterSink
{
    private readonly KafkaProducerConnection connection;
    private readonly MessageContractsOptions options;

    public DeadLetterPublisher(KafkaProducerConnection connection, IOptions<MessageContractsOptions> options)
    {
        this.connection = connection;
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

    public async Task PublishAsync(InboundRecord record, string reason, Exception? exception, int attempts, CancellationToken cancellationToken)
    {
        reason = BoundReason(reason);
        var headers = new Headers();
        if (record.Headers is not null)
        {
            foreach (var header in record.Headers)
            {
                headers.Add(header.Key, header.GetValueBytes());
            }
        }

        AddReasons(headers, record, reason, exception, attempts);
        var message = new Message<byte[]?, byte[]>
        {
            Key = record.Key,
            Value = record.Value ?? [],
            Headers = headers,
        };

        try
        {
            await connection.Producer.ProduceAsync(DeadLetterTopicFor(record.Topic), message, cancellationToken).ConfigureAwait(false);
        }
        catch (ProduceException<byte[]?, byte[]> refused) when (refused.Error.Code == ErrorCode.MsgSizeTooLarge)
        {
            // The copy, with the reasons added, is over the producer's (or the broker's) message size: retrying cannot
            // help, and the partition must not stall on it. Write the reasons and where to find the record instead; the
            // original stays in its topic until the retention removes it.
            var stub = new Headers();
            var size = record.Size;
            AddReasons(
                stub,
                record,
                reason + string.Create(CultureInfo.InvariantCulture, $" (The record, {size:N0} bytes of key, value and headers, was too large to copy to the dead-letter topic: read it at {record.Topic}[{record.Partition}]@{record.Offset} before the topic's retention removes it.)"),
                exception,
                attempts);
            var reference = new Message<byte[]?, byte[]> { Key = record.Key is { Length: <= 1024 } key ? key : null, Value = [], Headers = stub };
            await connection.Producer.ProduceAsync(DeadLetterTopicFor(record.Topic), reference, cancellationToken).ConfigureAwait(false);
        }

        MessagingTelemetry.DeadLettered.Add(1, MessagingTelemetry.Consumed(record.Topic, options.ConsumerGroup));
    }

    private void AddReasons(Headers headers, InboundRecord record, string reason, Exception? exception, int attempts)
    {
        Add(headers, MessageHeaders.DeadLetterReason, reason);
        if (exception is not null)
        {
            Add(headers, MessageHeaders.DeadLetterExceptionType, exception.GetType().FullName ?? exception.GetType().Name);
        }

        Add(headers, MessageHeaders.DeadLetterOriginalTopic, record.Topic);
        Add(headers, MessageHeaders.DeadLetterOriginalPartition, record.Partition.ToString(CultureInfo.InvariantCulture));
        Add(headers, MessageHeaders.DeadLetterOriginalOffset, record.Offset.ToString(CultureInfo.InvariantCulture));
        Add(headers, MessageHeaders.DeadLetterConsumerGroup, options.ConsumerGroup);
        Add(headers, MessageHeaders.DeadLetterAttempts, attempts.ToString(CultureInfo.InvariantCulture));
    }

    private static void Add(Headers headers, string key, string value) => headers.Add(key, Encoding.UTF8.GetBytes(value));
}
