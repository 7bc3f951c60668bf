using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using MessageContracts.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>
/// Decides the outcome of one record: handled, not for this service, or dead-lettered. It returns only when
/// that outcome is final (the dead-letter record acknowledged), so the caller may then store the offset.
/// </summary>
internal sealed partial class RecordProcessor
{
    private readonly HandlerCatalog catalog;
    private readonly IServiceScopeFactory scopeFactory;
    private readonly DeadLetterPublisher deadLetters;
    private readonly TimeProvider timeProvider;
    private readonly ILogger<RecordProcessor> logger;
    private readonly MessageContractsOptions options;

    public RecordProcessor(
        HandlerCatalog catalog,
        IServiceScopeFactory scopeFactory,
        DeadLetterPublisher deadLetters,
        IOptions<MessageContractsOptions> options,
        TimeProvider timeProvider,
        ILogger<RecordProcessor> logger)
    {
        this.catalog = catalog;
        this.scopeFactory = scopeFactory;
        this.deadLetters = deadLetters;
        this.timeProvider = timeProvider;
        this.logger = logger;
        this.options = options.Value;
    }

    public async Task ProcessAsync(ConsumeResult<byte[]?, byte[]?> record, CancellationToken cancellationToken)
    {
        if (!EnvelopeReader.TryRead(record.Message.Headers, out var envelope, out var reason))
        {
            await DeadLetterAsync(record, reason!, exception: null, attempts: 0, cancellationToken).ConfigureAwait(false);
            return;
        }

        var invoker = catalog.Find(envelope.MessageType);
        if (invoker is null)
        {
            // A topic may carry types that other services handle; this one has nothing to do with it.
            LogNotHandledHere(envelope.MessageType, record.Topic, record.Partition.Value, record.Offset.Value);
            return;
        }

        if (record.Message.Value is null)
        {
            await DeadLetterAsync(record, $"The record of type '{envelope.MessageType}' has no value (a tombstone), so there is no message to handle.", null, 0, cancellationToken).ConfigureAwait(false);
            return;
        }

        await HandleWithRetriesAsync(record, envelope, invoker, cancellationToken).ConfigureAwait(false);
    }

    private async Task HandleWithRetriesAsync(
        ConsumeResult<byte[]?, byte[]?> record,
        InboundEnvelope envelope,
        MessageHandlerInvoker invoker,
        CancellationToken cancellationToken)
    {
        var key = record.Message.Key is null ? null : Encoding.UTF8.GetString(record.Message.Key);
        var payload = record.Message.Value.AsMemory();
        using var activity = MessagingTelemetry.ActivitySource.StartActivity($"process {record.Topic}", ActivityKind.Consumer, envelope.TraceContext);
        activity?.SetTag("messaging.system", "kafka");
        activity?.SetTag("messaging.operation.type", "process");
        activity?.SetTag("messaging.destination.name", record.Topic);
        activity?.SetTag("messaging.message.id", envelope.MessageId);
        activity?.SetTag("messaging.consumer.group.name", options.ConsumerGroup);

        for (var attempt = 1; ; attempt++)
        {
            var context = new MessageContext(
                envelope.MessageId, envelope.MessageType, record.Topic, record.Partition.Value, record.Offset.Value,
                attempt, key, envelope.Source, envelope.Time, envelope.TraceContext);
            var started = timeProvider.GetTimestamp();
            try
            {
                var scope = scopeFactory.CreateAsyncScope();
                await using (scope.ConfigureAwait(false))
                {
                    await invoker(payload, context, scope.ServiceProvider, cancellationToken).ConfigureAwait(false);
                }

                MessagingTelemetry.HandlerDuration.Record(timeProvider.GetElapsedTime(started).TotalSeconds);
                MessagingTelemetry.Handled.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", record.Topic));
                return;
            }
            catch (MessageDeserializationException exception)
            {
                // Retrying cannot repair a payload: dead-letter it at once.
                activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
                await DeadLetterAsync(record, $"The payload is not a valid '{envelope.MessageType}': {exception.Message}", exception, attempt, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception exception) when (attempt < options.MaxHandlerAttempts)
            {
                MessagingTelemetry.Retried.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", record.Topic));
                var delay = options.RetryBackoff * Math.Pow(2, attempt - 1);
                LogHandlerRetry(exception, envelope.MessageType, envelope.MessageId, attempt, options.MaxHandlerAttempts, delay);
                await Task.Delay(delay, timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
                await DeadLetterAsync(
                    record,
                    $"The handler of '{envelope.MessageType}' failed {attempt} time(s); the last error was {exception.GetType().Name}: {exception.Message}",
                    exception,
                    attempt,
                    cancellationToken).ConfigureAwait(false);
                return;
            }
        }
    }

    private async Task DeadLetterAsync(ConsumeResult<byte[]?, byte[]?> record, string reason, Exception? exception, int attempts, CancellationToken cancellationToken)
    {
        var deadLetterTopic = deadLetters.DeadLetterTopicFor(record.Topic);
        LogDeadLettering(record.Topic, record.Partition.Value, record.Offset.Value, deadLetterTopic, reason);

        // The offset may only move on once the record is safe in the dead-letter topic: keep trying
        // (with a growing pause) rather than lose it. Shutdown ends the wait; the record is then redelivered.
        var pause = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                await deadLetters.PublishAsync(record, reason, exception, attempts, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (ProduceException<byte[]?, byte[]> produceFailure)
            {
                LogDeadLetterFailed(produceFailure, deadLetterTopic, pause);
                await Task.Delay(pause, timeProvider, cancellationToken).ConfigureAwait(false);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "No handler here for message type '{MessageType}' ({Topic}[{Partition}]@{Offset}); skipped")]
    private partial void LogNotHandledHere(string messageType, string topic, int partition, long offset);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handler of '{MessageType}' failed for message {MessageId} (attempt {Attempt} of {MaxAttempts}); retrying in {Delay}")]
    private partial void LogHandlerRetry(Exception exception, string messageType, string messageId, int attempt, int maxAttempts, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dead-lettering {Topic}[{Partition}]@{Offset} to '{DeadLetterTopic}': {Reason}")]
    private partial void LogDeadLettering(string topic, int partition, long offset, string deadLetterTopic, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write to dead-letter topic '{DeadLetterTopic}'; trying again in {Pause}")]
    private partial void LogDeadLetterFailed(Exception exception, string deadLetterTopic, TimeSpan pause);
}
