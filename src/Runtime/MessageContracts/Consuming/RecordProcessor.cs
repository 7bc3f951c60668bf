using System.Data.Common;
using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using MessageContracts.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>
/// Settles one record, in this order: read the envelope, claim the message ID in the deduplication store,
/// run the handlers (each with its retries), mark the ID processed. It returns only when the outcome is
/// durable, so the caller may then store the offset; it throws <see cref="OperationCanceledException"/> when
/// stopped first, and the record is then delivered again.
/// </summary>
internal sealed partial class RecordProcessor
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan OutcomeGrace = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan SlowHandlerFlush = TimeSpan.FromMilliseconds(100);

    private readonly HandlerCatalog catalog;
    private readonly IServiceScopeFactory scopeFactory;
    private readonly DeadLetterPublisher deadLetters;
    private readonly IDeduplicationStore deduplication;
    private readonly TimeProvider timeProvider;
    private readonly ILogger<RecordProcessor> logger;
    private readonly MessageContractsOptions options;
    private readonly InboxProcessing? inbox;

    public RecordProcessor(
        HandlerCatalog catalog,
        IServiceScopeFactory scopeFactory,
        DeadLetterPublisher deadLetters,
        IDeduplicationStore deduplication,
        IOptions<MessageContractsOptions> options,
        TimeProvider timeProvider,
        ILogger<RecordProcessor> logger,
        InboxProcessing? inbox = null)
    {
        this.inbox = inbox is { Enabled: true } ? inbox : null;
        this.catalog = catalog;
        this.scopeFactory = scopeFactory;
        this.deadLetters = deadLetters;
        this.deduplication = deduplication;
        this.timeProvider = timeProvider;
        this.logger = logger;
        this.options = options.Value;
    }

    public async Task<RecordOutcome> ProcessAsync(ConsumeResult<byte[]?, byte[]?> record, CancellationToken cancellationToken)
    {
        if (!EnvelopeReader.TryRead(record.Message.Headers, out var envelope, out var reason))
        {
            // No ID to deduplicate on: the dead-letter write itself is the outcome.
            await DeadLetterAsync(record, reason!, exception: null, attempts: 0, cancellationToken).ConfigureAwait(false);
            return RecordOutcome.DeadLettered;
        }

        var invoker = catalog.Find(envelope.MessageType);
        if (invoker is null)
        {
            // A topic may carry types that other services handle; this one has nothing to do with it.
            LogNotHandledHere(envelope.MessageType, record.Topic, record.Partition.Value, record.Offset.Value);
            return RecordOutcome.NotForThisService;
        }

        if (inbox is not null)
        {
            // The transactional inbox settles the record instead of the claim below: the dedup record commits in one
            // transaction with the handlers' own writes (docs/outbox.md).
            return await inbox.ProcessAsync(
                record,
                envelope.MessageId,
                (transaction, token) => HandleAsync(record, envelope, invoker, token, transaction),
                cancellationToken).ConfigureAwait(false);
        }

        if (!await ClaimAsync(envelope.MessageId, cancellationToken).ConfigureAwait(false))
        {
            DropDuplicate(record, envelope);
            return RecordOutcome.Duplicate;
        }

        RecordOutcome outcome;
        try
        {
            outcome = await HandleAsync(record, envelope, invoker, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || cancellationToken.IsCancellationRequested)
        {
            // Stopped (or failed unexpectedly) before an outcome: give the claim back so the next delivery need not
            // wait for the lease.
            await ReleaseQuietlyAsync(envelope.MessageId).ConfigureAwait(false);
            throw;
        }

        await RecordOutcomeAsync(envelope.MessageId, cancellationToken).ConfigureAwait(false);
        return outcome;
    }

    /// <summary>Whether records may be settled in batches: not with the transactional inbox, which settles each record in its own transaction.</summary>
    public bool CanBatch => inbox is null;

    /// <summary>
    /// Settles a prefix of <paramref name="batch"/> as <see cref="ProcessAsync"/> settles one record, with one claim call
    /// and one mark call to the store for all of them, then stores their offsets in order; returns how many were
    /// settled. It stops before a record that another instance holds claimed, when <paramref name="stop"/> is signalled,
    /// or once the claims are half their lease old; the caller settles the rest. On cancellation or an unexpected
    /// error it still records the outcomes of the records already handled (within the grace), releases the other
    /// claims and stores the offsets of what it recorded, then throws. A handler still running after
    /// <see cref="SlowHandlerFlush"/> first has the records before it settled (marked, offsets stored).
    /// </summary>
    public async Task<int> ProcessBatchAsync(
        IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> batch,
        Action<ConsumeResult<byte[]?, byte[]?>> storeOffset,
        CancellationToken stop,
        CancellationToken cancellationToken)
    {
        var count = batch.Count;
        var envelopes = new InboundEnvelope?[count];
        var reasons = new string?[count];
        var invokers = new MessageHandlerInvoker?[count];
        var claimIndex = new int[count];
        var ids = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            claimIndex[i] = -1;
            if (!EnvelopeReader.TryRead(batch[i].Message.Headers, out var envelope, out var reason))
            {
                reasons[i] = reason;
                continue;
            }

            envelopes[i] = envelope;
            invokers[i] = catalog.Find(envelope.MessageType);
            if (invokers[i] is not null)
            {
                claimIndex[i] = ids.Count;
                ids.Add(envelope.MessageId);
            }
        }

        var claims = ids.Count == 0
            ? Array.Empty<DeduplicationClaim>()
            : await PersistAsync(
                "claim messages",
                (Processor: this, MessageIds: ids),
                static (state, token) => state.Processor.deduplication.TryClaimManyAsync(
                    state.Processor.options.ConsumerGroup, state.MessageIds, state.Processor.options.DeduplicationLease, token),
                cancellationToken).ConfigureAwait(false);
        var claimedAt = timeProvider.GetTimestamp();
        var halfLease = options.DeduplicationLease / 2;

        var handled = new List<string>(ids.Count);
        var settled = 0;
        var offsetsStored = 0;
        Exception? failure = null;
        try
        {
            for (; settled < count; settled++)
            {
                if (stop.IsCancellationRequested || timeProvider.GetElapsedTime(claimedAt) > halfLease)
                {
                    break;
                }

                var record = batch[settled];
                if (envelopes[settled] is not { } envelope)
                {
                    await DeadLetterAsync(record, reasons[settled]!, exception: null, attempts: 0, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (invokers[settled] is not { } invoker)
                {
                    LogNotHandledHere(envelope.MessageType, record.Topic, record.Partition.Value, record.Offset.Value);
                    continue;
                }

                var claim = claims[claimIndex[settled]];
                if (claim == DeduplicationClaim.AlreadyProcessed)
                {
                    DropDuplicate(record, envelope);
                    continue;
                }

                if (claim != DeduplicationClaim.Claimed)
                {
                    // Held elsewhere (or earlier in this batch): the caller waits for it alone, as ProcessAsync does.
                    break;
                }

                var handling = HandleAsync(record, envelope, invoker, cancellationToken);
                if (!handling.IsCompleted && handled.Count > 0)
                {
                    // A slow (or hung) handler must not hold the records before it unsettled: once it has run for
                    // SlowHandlerFlush, record their outcomes and store their offsets while it goes on.
                    using var flushTimer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    var flushDue = Task.Delay(SlowHandlerFlush, timeProvider, flushTimer.Token);
                    if (await Task.WhenAny(handling, flushDue).ConfigureAwait(false) != handling)
                    {
                        await RecordOutcomesAsync(handled, cancellationToken).ConfigureAwait(false);
                        handled.Clear();
                        for (; offsetsStored < settled; offsetsStored++)
                        {
                            storeOffset(batch[offsetsStored]);
                        }
                    }

                    await flushTimer.CancelAsync().ConfigureAwait(false);
                }

                await handling.ConfigureAwait(false);
                handled.Add(envelope.MessageId);
            }
        }
        catch (Exception exception)
        {
            failure = exception;
        }

        // The claims this batch took but did not settle (the failed record's included) go back at once, so the next
        // delivery need not wait for the leases.
        var unsettled = new List<string>();
        for (var i = settled; i < count; i++)
        {
            if (claimIndex[i] >= 0 && claims[claimIndex[i]] == DeduplicationClaim.Claimed)
            {
                unsettled.Add(ids[claimIndex[i]]);
            }
        }

        if (unsettled.Count > 0)
        {
            await ReleaseQuietlyAsync(unsettled).ConfigureAwait(false);
        }

        if (handled.Count > 0)
        {
            await RecordOutcomesAsync(handled, cancellationToken).ConfigureAwait(false);
        }

        for (; offsetsStored < settled; offsetsStored++)
        {
            storeOffset(batch[offsetsStored]);
        }

        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        return settled;
    }

    /// <summary>Counts and logs a delivery of a message that was processed before; the caller then skips it.</summary>
    private void DropDuplicate(ConsumeResult<byte[]?, byte[]?> record, InboundEnvelope envelope)
    {
        MessagingTelemetry.DuplicatesDropped.Add(1, MessagingTelemetry.Consumed(record.Topic, options.ConsumerGroup));
        LogDuplicate(envelope.MessageId, envelope.MessageType, record.Topic, record.Partition.Value, record.Offset.Value);
    }

    /// <summary>As <see cref="RecordOutcomeAsync"/>, for the handled records of a batch in one store call.</summary>
    private async Task RecordOutcomesAsync(List<string> messageIds, CancellationToken cancellationToken)
    {
        using var settle = new CancellationTokenSource();
        using var graceOnStop = cancellationToken.Register(static state => ((CancellationTokenSource)state!).CancelAfter(OutcomeGrace), settle);
        try
        {
            await PersistAsync(
                "mark messages as processed",
                (Processor: this, MessageIds: messageIds),
                static (state, token) => state.Processor.deduplication.MarkProcessedManyAsync(state.Processor.options.ConsumerGroup, state.MessageIds, token),
                settle.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (settle.IsCancellationRequested)
        {
            await ReleaseQuietlyAsync(messageIds).ConfigureAwait(false);
            throw new OperationCanceledException("Stopped before the outcomes could be recorded.", cancellationToken);
        }
    }

    private async Task ReleaseQuietlyAsync(List<string> messageIds)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), timeProvider);
            await deduplication.ReleaseManyAsync(options.ConsumerGroup, messageIds, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            LogReleaseFailed(exception, string.Join(", ", messageIds));
        }
    }

    /// <summary>
    /// Marks the message processed. The handlers have run by now, so a stop signal gets a short grace to record
    /// that rather than cutting it off: an unrecorded claim would hold the message (and its partition) until the
    /// lease runs out. If even the grace is not enough, the claim is released, so the redelivery runs the
    /// (idempotent) handlers again instead of waiting.
    /// </summary>
    private async Task RecordOutcomeAsync(string messageId, CancellationToken cancellationToken)
    {
        using var settle = new CancellationTokenSource();
        using var graceOnStop = cancellationToken.Register(static state => ((CancellationTokenSource)state!).CancelAfter(OutcomeGrace), settle);
        try
        {
            await PersistAsync(
                "mark message as processed",
                (Processor: this, MessageId: messageId),
                static (state, token) => state.Processor.deduplication.MarkProcessedAsync(state.Processor.options.ConsumerGroup, state.MessageId, token),
                settle.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (settle.IsCancellationRequested)
        {
            await ReleaseQuietlyAsync(messageId).ConfigureAwait(false);
            throw new OperationCanceledException("Stopped before the outcome could be recorded.", cancellationToken);
        }
    }

    /// <summary>True when this instance may process the message; false when it was processed before.</summary>
    private async Task<bool> ClaimAsync(string messageId, CancellationToken cancellationToken)
    {
        var pause = FirstPause;
        while (true)
        {
            var claim = await PersistAsync(
                "claim message",
                (Processor: this, MessageId: messageId),
                static (state, token) => state.Processor.deduplication.TryClaimAsync(
                    state.Processor.options.ConsumerGroup, state.MessageId, state.Processor.options.DeduplicationLease, token),
                cancellationToken).ConfigureAwait(false);

            switch (claim)
            {
                case DeduplicationClaim.Claimed:
                    return true;
                case DeduplicationClaim.AlreadyProcessed:
                    return false;
                default:
                    // Another instance holds it (a duplicate on another partition, or a consumer that died
                    // mid-handler): wait for its outcome or for its lease to run out.
                    LogClaimedElsewhere(messageId, pause);
                    await Task.Delay(pause, timeProvider, cancellationToken).ConfigureAwait(false);
                    pause = Grow(pause);
                    break;
            }
        }
    }

    private async Task<RecordOutcome> HandleAsync(
        ConsumeResult<byte[]?, byte[]?> record,
        InboundEnvelope envelope,
        MessageHandlerInvoker invoker,
        CancellationToken cancellationToken,
        DbTransaction? transaction = null)
    {
        if (record.Message.Value is null)
        {
            await DeadLetterAsync(record, $"The record of type '{envelope.MessageType}' has no value (a tombstone), so there is no message to handle.", null, 0, cancellationToken).ConfigureAwait(false);
            return RecordOutcome.DeadLettered;
        }

        var key = record.Message.Key is null ? null : Encoding.UTF8.GetString(record.Message.Key);
        using var activity = MessagingTelemetry.ActivitySource.HasListeners()
            ? MessagingTelemetry.ActivitySource.StartActivity($"process {record.Topic}", ActivityKind.Consumer, envelope.TraceContext)
            : null;
        activity?.SetTag("messaging.system", "kafka");
        activity?.SetTag("messaging.operation.type", "process");
        activity?.SetTag(MessagingTelemetry.DestinationAttribute, record.Topic);
        activity?.SetTag("messaging.message.id", envelope.MessageId);
        activity?.SetTag("messaging.consumer.group.name", options.ConsumerGroup);
        activity?.SetTag("messaging.destination.partition.id", record.Partition.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        activity?.SetTag("messaging.kafka.offset", record.Offset.Value);

        var context = new MessageContext(
            envelope.MessageId, envelope.MessageType, record.Topic, record.Partition.Value, record.Offset.Value,
            attempt: 1, key, envelope.Source, envelope.Time, envelope.TraceContext).WithTransaction(transaction);
        var started = timeProvider.GetTimestamp();
        try
        {
            var scope = scopeFactory.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                await invoker(record.Message.Value, context, scope.ServiceProvider, cancellationToken).ConfigureAwait(false);
            }

            MessagingTelemetry.Handled.Add(1, MessagingTelemetry.Consumed(record.Topic, options.ConsumerGroup));
            return RecordOutcome.Handled;
        }
        catch (MessageDeserializationException exception)
        {
            // Retrying cannot repair a payload: dead-letter it at once.
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            await DeadLetterAsync(record, $"The payload is not a valid '{envelope.MessageType}': {exception.Message}", exception, 1, cancellationToken).ConfigureAwait(false);
            return RecordOutcome.DeadLettered;
        }
        catch (HandlerFailedException exception)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            await DeadLetterAsync(record, exception.Message, exception.InnerException ?? exception, exception.Attempts, cancellationToken).ConfigureAwait(false);
            return RecordOutcome.DeadLettered;
        }
        finally
        {
            MessagingTelemetry.HandlerDuration.Record(
                timeProvider.GetElapsedTime(started).TotalSeconds,
                MessagingTelemetry.Destination(record.Topic));
        }
    }

    private async Task DeadLetterAsync(ConsumeResult<byte[]?, byte[]?> record, string reason, Exception? exception, int attempts, CancellationToken cancellationToken)
    {
        LogDeadLettering(record.Topic, record.Partition.Value, record.Offset.Value, deadLetters.DeadLetterTopicFor(record.Topic), reason);
        await PersistAsync(
            "write to the dead-letter topic",
            (DeadLetters: deadLetters, Record: record, Reason: reason, Exception: exception, Attempts: attempts),
            static (state, token) => state.DeadLetters.PublishAsync(state.Record, state.Reason, state.Exception, state.Attempts, token),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs a write the record's outcome depends on until it succeeds: the offset may not move on without it.
    /// A store or broker that is down stalls this partition rather than losing or repeating a message.
    /// </summary>
    /// <remarks>
    /// The write gets its inputs as <paramref name="state"/> and is a static lambda, so the per-record hot path
    /// allocates no closure or delegate.
    /// </remarks>
    private async Task PersistAsync<TState>(string what, TState state, Func<TState, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        var pause = FirstPause;
        while (true)
        {
            try
            {
                await write(state, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception exception)
            {
                LogPersistFailed(exception, what, pause);
                await Task.Delay(pause, timeProvider, cancellationToken).ConfigureAwait(false);
                pause = Grow(pause);
            }
        }
    }

    /// <summary>As <see cref="PersistAsync{TState}"/>, for a write with a result.</summary>
    private async Task<TResult> PersistAsync<TState, TResult>(string what, TState state, Func<TState, CancellationToken, Task<TResult>> write, CancellationToken cancellationToken)
    {
        var pause = FirstPause;
        while (true)
        {
            try
            {
                return await write(state, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception exception)
            {
                LogPersistFailed(exception, what, pause);
                await Task.Delay(pause, timeProvider, cancellationToken).ConfigureAwait(false);
                pause = Grow(pause);
            }
        }
    }

    private async Task ReleaseQuietlyAsync(string messageId)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), timeProvider);
            await deduplication.ReleaseAsync(options.ConsumerGroup, messageId, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // The lease runs out on its own; releasing only saves the wait.
            LogReleaseFailed(exception, messageId);
        }
    }

    private static TimeSpan Grow(TimeSpan pause) => TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));

    [LoggerMessage(Level = LogLevel.Debug, Message = "No handler here for message type '{MessageType}' ({Topic}[{Partition}]@{Offset}); skipped")]
    private partial void LogNotHandledHere(string messageType, string topic, int partition, long offset);

    [LoggerMessage(Level = LogLevel.Information, Message = "Duplicate message {MessageId} ('{MessageType}', {Topic}[{Partition}]@{Offset}) was processed before; dropped")]
    private partial void LogDuplicate(string messageId, string messageType, string topic, int partition, long offset);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Message {MessageId} is being processed by another instance; asking again in {Pause}")]
    private partial void LogClaimedElsewhere(string messageId, TimeSpan pause);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dead-lettering {Topic}[{Partition}]@{Offset} to '{DeadLetterTopic}': {Reason}")]
    private partial void LogDeadLettering(string topic, int partition, long offset, string deadLetterTopic, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not {What}; trying again in {Pause} (the partition waits, nothing is skipped)")]
    private partial void LogPersistFailed(Exception exception, string what, TimeSpan pause);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not release the claim on message {MessageId}; it lapses when its lease ends")]
    private partial void LogReleaseFailed(Exception exception, string messageId);
}
