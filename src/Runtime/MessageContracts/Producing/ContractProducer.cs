using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>
/// Turns one contract instance into a Kafka record and produces it: generated serializer, CloudEvents
/// headers with a fresh message ID, <c>[PartitionKey]</c> as the key, and a producer span.
/// </summary>
/// <typeparam name="TMessage">The contract.</typeparam>
internal sealed class ContractProducer<TMessage>
    where TMessage : IMessageContract<TMessage>
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? bufferCache;

    [ThreadStatic]
    private static Utf8JsonWriter? writerCache;

    private readonly KafkaProducerConnection connection;
    private readonly TimeProvider timeProvider;
    private readonly PublishFailureHandler failureHandler;
    private readonly PublishFailurePolicy contractPolicy;
    private readonly string serviceName;

    public ContractProducer(
        KafkaProducerConnection connection,
        IOptions<MessageContractsOptions> options,
        TimeProvider timeProvider,
        PublishFailureHandler failureHandler)
    {
        this.connection = connection;
        this.timeProvider = timeProvider;
        this.failureHandler = failureHandler;
        contractPolicy = failureHandler.PolicyFor(typeof(TMessage));
        serviceName = options.Value.ServiceName;
    }

    /// <summary>Produces <paramref name="message"/>; on a delivery failure, <paramref name="policy"/> (or the contract's) decides.</summary>
    public async Task<PublishResult> ProduceAsync(TMessage message, PublishFailurePolicy? policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (policy is { } given && !Enum.IsDefined(given))
        {
            throw new ArgumentOutOfRangeException(nameof(policy), given, "Not a PublishFailurePolicy.");
        }

        var topic = TMessage.Topic;

        // The ID is fixed here, before the first attempt: librdkafka's own retries re-send these exact bytes.
        var messageId = MessageIds.NewId(timeProvider);

        using var activity = MessagingTelemetry.ActivitySource.StartActivity($"publish {topic}", ActivityKind.Producer);
        activity?.SetTag("messaging.system", "kafka");
        activity?.SetTag("messaging.operation.type", "publish");
        activity?.SetTag("messaging.destination.name", topic);
        activity?.SetTag("messaging.message.id", messageId);

        var key = TMessage.GetPartitionKey(message);
        var record = new Message<byte[]?, byte[]>
        {
            Key = key is null ? null : Encoding.UTF8.GetBytes(key),
            Value = Serialize(message),
            Headers = EnvelopeWriter.Create(messageId, TMessage.MessageType, serviceName, timeProvider.GetUtcNow(), activity),
        };

        try
        {
            var delivery = await connection.Producer.ProduceAsync(topic, record, cancellationToken).ConfigureAwait(false);
            MessagingTelemetry.Published.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", topic));
            activity?.SetTag("messaging.kafka.destination.partition", delivery.Partition.Value);
            return new PublishResult(messageId, topic, delivery.Partition.Value, delivery.Offset.Value);
        }
        catch (ProduceException<byte[]?, byte[]> exception)
        {
            // librdkafka's bounded retries (within PublishTimeout) are over, or the error was not retriable.
            var effectivePolicy = policy ?? contractPolicy;
            activity?.SetStatus(ActivityStatusCode.Error, exception.Error.Reason);
            activity?.SetTag("error.type", exception.Error.Code.ToString());
            activity?.SetTag(PublishFailureTelemetry.PolicyTag, effectivePolicy.ToString());
            return await failureHandler
                .HandleAsync(effectivePolicy, messageId, TMessage.MessageType, topic, record, exception)
                .ConfigureAwait(false);
        }
    }

    private static byte[] Serialize(TMessage message)
    {
        // One reusable buffer and writer per thread: only the final byte[] handed to Kafka is allocated.
        var buffer = bufferCache ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        var writer = writerCache;
        if (writer is null)
        {
            writer = writerCache = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
        }
        else
        {
            writer.Reset(buffer);
        }

        TMessage.Serialize(writer, message);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}
