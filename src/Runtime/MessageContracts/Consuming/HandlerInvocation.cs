using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using MessageContracts.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MessageContracts;

/// <summary>
/// Runs a record's handlers: in their own DI scope, under a consumer span, with the handler metrics. The handlers'
/// retries run inside the invoker (<see cref="HandlerRunner"/>); when they give up, or the payload cannot be read,
/// the record is dead-lettered here with the reason, and that is its outcome.
/// </summary>
internal sealed class HandlerInvocation
{
    private readonly IServiceScopeFactory scopeFactory;
    private readonly DeadLetterStage deadLetters;
    private readonly string consumerGroup;
    private readonly TimeProvider timeProvider;
    private readonly string messagingSystem;

    // messagingSystem: the transport's name, the spans' messaging.system.
    public HandlerInvocation(IServiceScopeFactory scopeFactory, DeadLetterStage deadLetters, string consumerGroup, TimeProvider timeProvider, string messagingSystem = "kafka")
    {
        this.messagingSystem = messagingSystem;
        this.scopeFactory = scopeFactory;
        this.deadLetters = deadLetters;
        this.consumerGroup = consumerGroup;
        this.timeProvider = timeProvider;
    }

    /// <summary>Handles the record, or dead-letters it; returns which. <paramref name="transaction"/> is the inbox's, if any.</summary>
    public async Task<RecordOutcome> HandleAsync(
        InboundRecord record,
        InboundEnvelope envelope,
        MessageHandlerInvoker invoker,
        CancellationToken cancellationToken,
        DbTransaction? transaction = null,
        bool mayRetryLater = false)
    {
        if (record.Value is null)
        {
            await deadLetters.DeadLetterAsync(record, $"The record of type '{envelope.MessageType}' has no value (a tombstone), so there is no message to handle.", null, 0, cancellationToken).ConfigureAwait(false);
            return RecordOutcome.DeadLettered;
        }

        var key = record.Key is null ? null : Encoding.UTF8.GetString(record.Key);
        using var activity = MessagingTelemetry.ActivitySource.HasListeners()
            ? MessagingTelemetry.ActivitySource.StartActivity($"process {record.Source}", ActivityKind.Consumer, envelope.TraceContext)
            : null;
        activity?.SetTag("messaging.system", messagingSystem);
        activity?.SetTag("messaging.operation.type", "process");
        activity?.SetTag(MessagingTelemetry.DestinationAttribute, record.Source);
        activity?.SetTag("messaging.message.id", envelope.MessageId);
        activity?.SetTag("messaging.consumer.group.name", consumerGroup);
        activity?.SetTag("messaging.destination.partition.id", record.Lane.ToString(CultureInfo.InvariantCulture));
        activity?.SetTag("messaging.kafka.offset", record.Position);

        var context = new MessageContext(
            envelope.MessageId, envelope.MessageType, record.Source, record.Lane, record.Position,
            attempt: 1, key, envelope.Source, envelope.Time, envelope.TraceContext).WithTransaction(transaction);
        var started = timeProvider.GetTimestamp();
        try
        {
            var scope = scopeFactory.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                await invoker(record.Value, context, scope.ServiceProvider, cancellationToken).ConfigureAwait(false);
            }

            MessagingTelemetry.Handled.Add(1, MessagingTelemetry.Consumed(record.Source, consumerGroup));
            return RecordOutcome.Handled;
        }
        catch (MessageDeserializationException exception)
        {
            // Retrying cannot repair a payload: dead-letter it at once.
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            await deadLetters.DeadLetterAsync(record, $"The payload is not a valid '{envelope.MessageType}': {exception.Message}", exception, 1, cancellationToken).ConfigureAwait(false);
            return RecordOutcome.DeadLettered;
        }
        catch (HandlerFailedException exception)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            if (mayRetryLater && await deadLetters.TryRetryLaterAsync(record, cancellationToken).ConfigureAwait(false))
            {
                return RecordOutcome.RetryLater;
            }

            await deadLetters.DeadLetterAsync(record, exception.Message, exception.InnerException ?? exception, exception.Attempts, cancellationToken).ConfigureAwait(false);
            return RecordOutcome.DeadLettered;
        }
        finally
        {
            MessagingTelemetry.HandlerDuration.Record(
                timeProvider.GetElapsedTime(started).TotalSeconds,
                MessagingTelemetry.Destination(record.Source));
        }
    }
}
