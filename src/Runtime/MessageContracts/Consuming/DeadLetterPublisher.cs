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
internal sealed class DeadLetterPublisher
{
    private readonly KafkaProducerConnection connection;
    private readonly MessageContractsOptions options;

    public DeadLetterPublisher(KafkaProducerConnection connection, IOptions<MessageContractsOptions> options)
    {
        this.connection = connection;
        this.options = options.Value;
    }

    public string DeadLetterTopicFor(string topic) => topic + options.DeadLetterTopicSuffix;

    public async Task PublishAsync(ConsumeResult<byte[]?, byte[]?> record, string reason, Exception? exception, int attempts, CancellationToken cancellationToken)
    {
        var headers = new Headers();
        if (record.Message.Headers is not null)
        {
            foreach (var header in record.Message.Headers)
            {
                headers.Add(header.Key, header.GetValueBytes());
            }
        }

        Add(headers, MessageHeaders.DeadLetterReason, reason);
        if (exception is not null)
        {
            Add(headers, MessageHeaders.DeadLetterExceptionType, exception.GetType().FullName ?? exception.GetType().Name);
        }

        Add(headers, MessageHeaders.DeadLetterOriginalTopic, record.Topic);
        Add(headers, MessageHeaders.DeadLetterOriginalPartition, record.Partition.Value.ToString(CultureInfo.InvariantCulture));
        Add(headers, MessageHeaders.DeadLetterOriginalOffset, record.Offset.Value.ToString(CultureInfo.InvariantCulture));
        Add(headers, MessageHeaders.DeadLetterConsumerGroup, options.ConsumerGroup);
        Add(headers, MessageHeaders.DeadLetterAttempts, attempts.ToString(CultureInfo.InvariantCulture));

        var message = new Message<byte[]?, byte[]>
        {
            Key = record.Message.Key,
            Value = record.Message.Value ?? [],
            Headers = headers,
        };

        await connection.Producer.ProduceAsync(DeadLetterTopicFor(record.Topic), message, cancellationToken).ConfigureAwait(false);
        MessagingTelemetry.DeadLettered.Add(1, MessagingTelemetry.Consumed(record.Topic, options.ConsumerGroup));
    }

    private static void Add(Headers headers, string key, string value) => headers.Add(key, Encoding.UTF8.GetBytes(value));
}
