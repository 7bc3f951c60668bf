using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>
/// Turns one contract instance into a Kafka record and produces it: generated serializer, CloudEvents
/// headers with the message's ID (given, derived from <c>[MessageId]</c>, or new), <c>[PartitionKey]</c> as the key,
/// and a producer span.
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
    private readonly byte[] messageTypeUtf8;
    private readonly byte[] serviceNameUtf8;
    private readonly TopicProvisioner topics;
    private Task? topicReady;

    public ContractProducer(
        KafkaProducerConnection connection,
        IOptions<MessageContractsOptions> options,
        TimeProvider timeProvider,
        PublishFailureHandler failureHandler,
        TopicProvisioner topics)
    {
        this.topics = topics;
        this.connection = connection;
        this.timeProvider = timeProvider;
        this.failureHandler = failureHandler;
        contractPolicy = failureHandler.PolicyFor(typeof(TMessage));
        // Constant per producer: encoded once, not per message.
        messageTypeUtf8 = Encoding.UTF8.GetBytes(TMessage.MessageType);
        serviceNameUtf8 = Encoding.UTF8.GetBytes(options.Value.ServiceName);
    }

    /// <summary>
    /// Produces <paramref name="message"/> with <paramref name="givenMessageId"/> when there is one; on a delivery
    /// failure, <paramref name="policy"/> (or the contract's) decides.
    /// </summary>
    public async Task<PublishResult> ProduceAsync(TMessage message, PublishFailurePolicy? policy, string? givenMessageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (policy is { } given && !Enum.IsDefined(given))
        {
            throw new ArgumentOutOfRangeException(nameof(policy), given, "Not a PublishFailurePolicy.");
        }

        if (givenMessageId is not null)
        {
            MessageIdRules.ThrowIfInvalid(givenMessageId, "options");
        }

        var topic = TMessage.Topic;

        // The topic is created (when missing and allowed) before its first message; after that this is one field read.
        var ready = topicReady ??= topics.EnsureAsync(topic);
        if (!ready.IsCompleted)
        {
            await ready.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        // The ID is fixed here, before the first attempt: librdkafka's own retries re-send these exact bytes. A caller
        // finishing a failed publish passes the ID it had (PublishOptions.MessageId), which wins; else a [MessageId]
        // contract derives it from its business value, and any other gets a new UUIDv7.
        var messageId = givenMessageId ?? MessageIds.For(message, timeProvider);

        // Checked first so that without a listener the span's name is not even formatted.
        using var activity = MessagingTelemetry.ActivitySource.HasListeners()
            ? MessagingTelemetry.ActivitySource.StartActivity($"publish {topic}", ActivityKind.Producer)
            : null;
        activity?.SetTag("messaging.system", "kafka");
        activity?.SetTag("messaging.operation.type", "publish");
        activity?.SetTag(MessagingTelemetry.DestinationAttribute, topic);
        activity?.SetTag("messaging.message.id", messageId);

        var key = TMessage.GetPartitionKey(message);
        var record = new Message<byte[]?, byte[]>
        {
            Key = key is null ? null : Encoding.UTF8.GetBytes(key),
            Value = Serialize(message),
            Headers = EnvelopeWriter.Create(messageId, messageTypeUtf8, serviceNameUtf8, timeProvider.GetUtcNow(), activity),
        };

        var effectivePolicy = policy ?? contractPolicy;
        Task<PublishResult> outcome;
        try
        {
            // A delivery callback rather than ProduceAsync: librdkafka reports one partition's messages in order on its
            // poll thread, and a failure's place in the failure log is taken right there, so a replay keeps that order.
            var delivered = new TaskCompletionSource<Task<PublishResult>>(TaskCreationOptions.RunContinuationsAsynchronously);
            connection.Producer.Produce(topic, record, report =>
            {
                // Runs on librdkafka's poll thread: it must not throw, and must not block.
                try
                {
                    delivered.TrySetResult(report.Error.IsError
                        ? failureHandler.HandleAsync(effectivePolicy, messageId, TMessage.MessageType, topic, record, new ProduceException<byte[]?, byte[]>(report.Error, report))
                        : Task.FromResult(new PublishResult(messageId, topic, report.Partition.Value, report.Offset.Value)));
                }
                catch (Exception exception)
                {
                    delivered.TrySetException(exception);
                }
            });
            outcome = await delivered.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ProduceException<byte[]?, byte[]> exception)
        {
            // Refused before it was queued (local queue full, message too large): no retry can help, the policy decides.
            outcome = failureHandler.HandleAsync(effectivePolicy, messageId, TMessage.MessageType, topic, record, exception);
        }

        try
        {
            var result = await outcome.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (result.Delivered)
            {
                MessagingTelemetry.Published.Add(1, MessagingTelemetry.Destination(topic));
                activity?.SetTag("messaging.kafka.destination.partition", result.Partition);
            }
            else
            {
                MarkFailed(activity, effectivePolicy, result.FailureReason);
            }

            return result;
        }
        catch (PublishException exception)
        {
            MarkFailed(activity, effectivePolicy, (exception.InnerException as KafkaException)?.Error.Code.ToString());
            throw;
        }
    }

    private static void MarkFailed(Activity? activity, PublishFailurePolicy policy, string? reason)
    {
        // librdkafka's bounded retries (within PublishTimeout) are over, or the error was not retriable.
        activity?.SetStatus(ActivityStatusCode.Error, reason);
        activity?.SetTag(PublishFailureTelemetry.PolicyTag, policy.ToString());
    }

    internal static byte[] Serialize(TMessage message)
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
