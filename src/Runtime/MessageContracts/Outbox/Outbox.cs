using System.Data.Common;
using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>
/// The <see cref="IOutbox"/> of the container: builds the record exactly as a publish would (serializer, key,
/// CloudEvents headers with the message's ID), stores it through the caller's transaction, and wakes the relay.
/// </summary>
internal sealed class Outbox : IOutbox
{
    private readonly IOutboxStore store;
    private readonly OutboxSignal signal;
    private readonly TimeProvider timeProvider;
    private readonly string serviceName;
    private readonly string messagingSystem;

    public Outbox(IOutboxStore store, OutboxSignal signal, IOptions<MessageContractsOptions> options, TimeProvider timeProvider)
    {
        this.store = store;
        this.signal = signal;
        this.timeProvider = timeProvider;
        serviceName = options.Value.ServiceName;
        messagingSystem = options.Value.EffectiveTransport.Name;
    }

    public async Task<string> EnqueueAsync<TMessage>(TMessage message, DbTransaction transaction, CancellationToken cancellationToken = default)
        where TMessage : IMessageContract<TMessage>
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(transaction);
        if (transaction.Connection is null)
        {
            throw new ArgumentException("The transaction is already committed or rolled back: enqueue inside an open transaction.", nameof(transaction));
        }

        var topic = TMessage.Topic;
        ContractKinds.Register<TMessage>();
        // The same ID a direct publish would give it: derived from a [MessageId] member, else a new UUIDv7.
        var messageId = MessageIds.For(message, timeProvider);
        var now = timeProvider.GetUtcNow();

        // The trace context the consumer links to is the one of the business operation that enqueued the message.
        using var activity = MessagingTelemetry.ActivitySource.StartActivity($"create {topic}", ActivityKind.Producer);
        activity?.SetTag("messaging.system", messagingSystem);
        activity?.SetTag("messaging.operation.type", "create");
        activity?.SetTag(MessagingTelemetry.DestinationAttribute, topic);
        activity?.SetTag("messaging.message.id", messageId);

        var partitionKey = TMessage.GetPartitionKey(message);
        var key = partitionKey is null ? null : Encoding.UTF8.GetBytes(partitionKey);
        var headers = EnvelopeWriter.Create(messageId, TMessage.MessageType, serviceName, now, activity);
        var row = new OutboxMessage(
            Sequence: 0,
            messageId,
            TMessage.MessageType,
            topic,
            key,
            ContractProducer<TMessage>.Serialize(message),
            OutboxHeaders.Encode(headers),
            OutboxBuckets.For(key, messageId),
            now);

        await store.EnqueueAsync(row, transaction, cancellationToken).ConfigureAwait(false);
        OutboxTelemetry.Enqueued.Add(1, MessagingTelemetry.Destination(topic));

        // The commit is still to come and cannot be observed here: the signal makes the relay look often for a moment.
        signal.Notify();
        return messageId;
    }
}

/// <summary>Wakes the relay when this process enqueued something.</summary>
internal sealed class OutboxSignal
{
    private readonly SemaphoreSlim signal = new(0, 1);

    public void Notify()
    {
        try
        {
            if (signal.CurrentCount == 0)
            {
                signal.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    /// <summary>Waits for a signal or for <paramref name="timeout"/>; true when signalled.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken) =>
        WaitCoreAsync(timeout, timeProvider, cancellationToken);

    private async Task<bool> WaitCoreAsync(TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var delay = new CancellationTokenSource(timeout, timeProvider);
        using var link = delay.Token.Register(static state => ((CancellationTokenSource)state!).Cancel(), timer);
        try
        {
            await signal.WaitAsync(timer.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
