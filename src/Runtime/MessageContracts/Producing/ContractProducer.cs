using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using MessageContracts.Transports;
using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>
/// Turns one contract instance into an <see cref="OutboundMessage"/> and sends it through the transport: generated serializer, CloudEvents
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

    private readonly ITransportSender sender;
    private readonly TimeProvider timeProvider;
    private readonly PublishFailureHandler failureHandler;
    private readonly PublishFailurePolicy contractPolicy;
    private readonly EnvelopeConstants envelope;
    private readonly string messagingSystem;
    private Task? topicReady;

    public ContractProducer(
        ITransportSender sender,
        IOptions<MessageContractsOptions> options,
        TimeProvider timeProvider,
        PublishFailureHandler failureHandler)
    {
        this.sender = sender;
        this.timeProvider = timeProvider;
        this.failureHandler = failureHandler;
        contractPolicy = failureHandler.PolicyFor(typeof(TMessage));
        // Constant per producer: encoded once and shared by every record (a transport may cache its header objects there).
        envelope = new EnvelopeConstants(TMessage.MessageType, options.Value.ServiceName);
        messagingSystem = options.Value.EffectiveTransport.Name;
        ContractKinds.Register<TMessage>();
    }

    /// <summary>
    /// Produces <paramref name="message"/> with <paramref name="givenMessageId"/> when there is one; on a delivery
    /// failure, <paramref name="policy"/> (or the contract's) decides.
    /// </summary>
    /// <remarks>
    /// Not an async method: once the topic is known to exist and nobody listens for spans (the usual case), a publish
    /// is the record, one <see cref="PublishOperation"/> and its task, which the delivery report completes. With a span
    /// to end, or a topic still being created, <see cref="ProduceTracedAsync"/> awaits. Either way every error comes
    /// back in the returned task, never thrown from this call.
    /// </remarks>
    public Task<PublishResult> ProduceAsync(TMessage message, PublishFailurePolicy? policy, string? givenMessageId, CancellationToken cancellationToken)
    {
        try
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

            // The topic is created (when missing and allowed) before its first message; after that this is one field read.
            var ready = topicReady ??= sender.PrepareAsync(TMessage.Topic, CancellationToken.None);
            var effectivePolicy = policy ?? contractPolicy;
            if (!ready.IsCompleted || MessagingTelemetry.ActivitySource.HasListeners())
            {
                return ProduceTracedAsync(message, effectivePolicy, givenMessageId, ready, cancellationToken);
            }

            var now = timeProvider.GetUtcNow();
            var operation = Start(message, MessageIdOf(message, givenMessageId, now), now, effectivePolicy, activity: null);
            return cancellationToken.CanBeCanceled ? operation.Task.WaitAsync(cancellationToken) : operation.Task;
        }
        catch (Exception exception)
        {
            return Task.FromException<PublishResult>(exception);
        }
    }

    /// <summary>The publish with a producer span (ended when the delivery is known), or after the topic is created.</summary>
    private async Task<PublishResult> ProduceTracedAsync(TMessage message, PublishFailurePolicy policy, string? givenMessageId, Task ready, CancellationToken cancellationToken)
    {
        if (!ready.IsCompleted)
        {
            await ready.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        var topic = TMessage.Topic;
        var now = timeProvider.GetUtcNow();
        var messageId = MessageIdOf(message, givenMessageId, now);

        // Checked first so that without a listener the span's name is not even formatted.
        using var activity = MessagingTelemetry.ActivitySource.HasListeners()
            ? MessagingTelemetry.ActivitySource.StartActivity($"publish {topic}", ActivityKind.Producer)
            : null;
        activity?.SetTag("messaging.system", messagingSystem);
        activity?.SetTag("messaging.operation.type", "publish");
        activity?.SetTag(MessagingTelemetry.DestinationAttribute, topic);
        activity?.SetTag("messaging.message.id", messageId);

        var operation = Start(message, messageId, now, policy, activity);
        try
        {
            var result = await operation.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (result.Delivered && messagingSystem == KafkaTransport.Instance.Name)
            {
                activity?.SetTag("messaging.kafka.destination.partition", result.Partition);
            }
            else
            {
                MarkFailed(activity, policy, result.FailureReason);
            }

            return result;
        }
        catch (PublishException exception)
        {
            MarkFailed(activity, policy, exception.InnerException?.Message);
            throw;
        }
    }

    /// <summary>
    /// The ID is fixed here, before the first attempt: librdkafka's own retries re-send these exact bytes. A caller
    /// finishing a failed publish passes the ID it had (PublishOptions.MessageId), which wins; else a [MessageId]
    /// contract derives it from its business value, and any other gets a new UUIDv7 of <paramref name="now"/>.
    /// </summary>
    private static string MessageIdOf(TMessage message, string? givenMessageId, DateTimeOffset now) =>
        givenMessageId ?? MessageIds.For(message, now);

    /// <summary>Builds the message and hands it to the transport; the returned operation completes with its outcome.</summary>
    private PublishOperation Start(TMessage message, string messageId, DateTimeOffset now, PublishFailurePolicy policy, Activity? activity)
    {
        var key = TMessage.GetPartitionKey(message);
        var outbound = new OutboundMessage(
            TMessage.Topic,
            TMessage.Kind,
            messageId,
            TMessage.MessageType,
            key is null ? null : Encoding.UTF8.GetBytes(key),
            Serialize(message),
            EnvelopeWriter.Create(messageId, envelope, now, activity),
            TMessage.Delivery);

        // The operation is the observer: the transport reports the outcome to it (Kafka: on librdkafka's poll thread, in
        // each partition's order, where a failure takes its place in the failure log, so a replay keeps that order).
        var operation = new PublishOperation(failureHandler, policy, outbound);
        sender.Send(outbound, operation);
        return operation;
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
