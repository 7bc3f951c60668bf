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
/// Settles one record, in this order: read the envelope (within <see cref="EnvelopeLimits"/>), claim the message ID in
/// the deduplication store, run the handlers (each with its retries) while <see cref="LeaseRenewal"/> keeps the claim
/// alive, mark the ID processed. It returns only when the outcome is durable, so the caller may then store the offset;
/// it throws <see cref="OperationCanceledException"/> when stopped first, and the record is then delivered again.
/// </summary>
/// <remarks>
/// A store that is down is retried until it answers (the partition waits; nothing is skipped). A store that refuses the
/// record's message ID itself (<see cref="MessageIdRejectedException"/>) gets the record dead-lettered instead: retrying
/// would stall the partition forever.
/// </remarks>
internal sealed partial class RecordProcessor : IDisposable
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
    private readonly EnvelopeLimits limits;
    private readonly LeaseRenewal leases;

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
        limits = EnvelopeLimits.From(this.options);
        leases = new LeaseRenewal(deduplication, this.options.ConsumerGroup, this.options.DeduplicationLease, timeProvider, logger);
    }

    /// <summary>Stops the lease renewal timer.</summary>
    public void Dispose() => leases.Dispose();

    public async Task<RecordOutcome> ProcessAsync(ConsumeResult<byte[]?, byte[]?> record, CancellationToken cancellationToken)
    {
        if (!EnvelopeReader.TryRead(record.Message.Headers, limits, out var envelope, out var reason))
        {
            // No (usable) ID to deduplicate on: the dead-letter write itself is the outcome.
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
            try
            {
                return await inbox.ProcessAsync(
                    record,
                    envelope.MessageId,
                    (transaction, token) => HandleAsync(record, envelope, invoker, token, transaction),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (MessageIdRejectedException rejected) when (rejected.MessageId == envelope.MessageId)
            {
                await DeadLetterAsync(record, rejected.Message, rejected, attempts: 0, cancellationToken).ConfigureAwait(false);
                return RecordOutcome.DeadLettered;
            }
        }

        var owner = Guid.NewGuid();
        bool claimed;
        try
        {
            claimed = await ClaimAsync(envelope.MessageId, owner, cancellationToken).ConfigureAwait(false);
        }
        catch (MessageIdRejectedException rejected)
        {
            await DeadLetterAsync(record, rejected.Message, rejected, attempts: 0, cancellationToken).ConfigureAwait(false);
            return RecordOutcome.DeadLettered;
        }

        if (!claimed)
        {
            DropDuplicate(record, envelope);
            return RecordOutcome.Duplicate;
        }

        using var held = leases.Hold(owner, [envelope.MessageId], timeProvider.GetTimestamp());
        RecordOutcome outcome;
        try
        {
            outcome = await HandleAsync(record, envelope, invoker, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || cancellationToken.IsCancellationRequested)
        {
            // Stopped (or failed unexpectedly) before an outcome: give the claim back so the next delivery need not
            // wait for the lease.
            held.Settled(envelope.MessageId);
            await ReleaseQuietlyAsync([envelope.MessageId], owner).ConfigureAwait(false);
            throw;
        }

        await RecordOutcomesAsync([envelope.MessageId], held, cancellationToken).ConfigureAwait(false);
        return outcome;
    }

    /// <summary>Whether records may be settled in batches: not with the transactional inbox, which settles each record in its own transaction.</summary>
    public bool CanBatch => inbox is null;

    /// <summary>
    /// Settles a prefix of <paramref name="batch"/> as <see cref="ProcessAsync"/> settles one record, with one claim call
    /// and one mark call to the store for all of them, then stores the offset of the last of them; returns how many were
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
        var ids = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            if (!EnvelopeReader.TryRead(batch[i].Message.Headers, limits, out var envelope, out var reason))
            {
                reasons[i] = reason;
                continue;
            }

            envelopes[i] = envelope;
            invokers[i] = catalog.Find(envelope.MessageType);
            if (invokers[i] is not null)
            {
                ids.Add(envelope.MessageId);
            }
        }

        var owner = Guid.NewGuid();
        var (claimedIds, answers, rejected) = await ClaimManyAsync(ids, owner, cancellationToken).ConfigureAwait(false);
        var claimedAt = timeProvider.GetTimestamp();
        var halfLease = options.DeduplicationLease / 2;

        // The answer for each record that was claimed (in the order of claimedIds), or null.
        var claims = new DeduplicationClaim?[count];
        for (int i = 0, k = 0; i < count && k < claimedIds.Count; i++)
        {
            if (invokers[i] is not null && !rejected.ContainsKey(envelopes[i]!.Value.MessageId))
            {
                claims[i] = answers[k++];
            }
        }

        using var held = leases.Hold(owner, ClaimedBy(claimedIds, answers), claimedAt);
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

                if (rejected.TryGetValue(envelope.MessageId, out var refusal))
                {
                    await DeadLetterAsync(record, refusal.Message, refusal, attempts: 0, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var claim = claims[settled];
                if (claim == DeduplicationClaim.AlreadyProcessed)
                {
                    DropDuplicate(record, envelope);
                    continue;
                }

                if (claim != DeduplicationClaim.Claimed || held.WasTakenOver(envelope.MessageId))
                {
                    // Held elsewhere (or earlier in this batch, or taken over since): the caller waits for it alone, as
                    // ProcessAsync does.
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
                        await RecordOutcomesAsync(handled, held, cancellationToken).ConfigureAwait(false);
                        handled.Clear();
                        offsetsStored = StoreOffsetOfLast(batch, offsetsStored, settled, storeOffset);
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
            if (claims[i] == DeduplicationClaim.Claimed)
            {
                unsettled.Add(envelopes[i]!.Value.MessageId);
            }
        }

        if (unsettled.Count > 0)
        {
            held.Settled(unsettled);
            await ReleaseQuietlyAsync(unsettled, owner).ConfigureAwait(false);
        }

        if (handled.Count > 0)
        {
            await RecordOutcomesAsync(handled, held, cancellationToken).ConfigureAwait(false);
        }

        StoreOffsetOfLast(batch, offsetsStored, settled, storeOffset);

        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        return settled;
    }

    /// <summary>
    /// Stores the offset of the last of the settled records <c>batch[stored..settled)</c> only: a partition's stored
    /// offset says every record before it is done, and these are settled in order, so one call to librdkafka (which
    /// builds a native list and takes a lock each time) does for all of them. Returns <paramref name="settled"/>.
    /// </summary>
    private static int StoreOffsetOfLast(
        IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> batch, int stored, int settled, Action<ConsumeResult<byte[]?, byte[]?>> storeOffset)
    {
        if (settled > stored)
        {
            storeOffset(batch[settled - 1]);
        }

        return settled;
    }

    /// <summary>The IDs of <paramref name="messageIds"/> that <paramref name="answers"/> says this call claimed.</summary>
    private static IEnumerable<string> ClaimedBy(IReadOnlyList<string> messageIds, IReadOnlyList<DeduplicationClaim> answers)
    {
        for (var i = 0; i < messageIds.Count; i++)
        {
            if (answers[i] == DeduplicationClaim.Claimed)
            {
                yield return messageIds[i];
            }
        }
    }

    /// <summary>
    /// Claims <paramref name="messageIds"/> in one store call, retried while the store is down. An ID the store refuses
    /// (<see cref="MessageIdRejectedException"/>: nothing of that call was claimed) is set aside with its refusal and the
    /// rest claimed again, so one hostile ID costs one more call, not the batch.
    /// </summary>
    private async Task<(IReadOnlyList<string> Claimed, IReadOnlyList<DeduplicationClaim> Answers, Dictionary<string, MessageIdRejectedException> Rejected)> ClaimManyAsync(
        List<string> messageIds, Guid owner, CancellationToken cancellationToken)
    {
        var rejected = new Dictionary<string, MessageIdRejectedException>(StringComparer.Ordinal);
        IReadOnlyList<string> remaining = messageIds;
        while (remaining.Count > 0)
        {
            try
            {
                var answers = await PersistAsync(
                    "claim messages",
                    (Processor: this, MessageIds: remaining, Owner: owner),
                    static (state, token) => state.Processor.deduplication.TryClaimAsync(
                        state.Processor.options.ConsumerGroup, state.MessageIds, state.Owner, state.Processor.options.DeduplicationLease, token),
                    cancellationToken,
                    rejectable: remaining).ConfigureAwait(false);
                return (remaining, answers, rejected);
            }
            catch (MessageIdRejectedException refusal)
            {
                rejected[refusal.MessageId] = refusal;
                remaining = remaining.Where(id => !string.Equals(id, refusal.MessageId, StringComparison.Ordinal)).ToList();
            }
        }

        return (remaining, [], rejected);
    }

    /// <summary>Counts and logs a delivery of a message that was processed before; the caller then skips it.</summary>
    private void DropDuplicate(ConsumeResult<byte[]?, byte[]?> record, InboundEnvelope envelope)
    {
        MessagingTelemetry.DuplicatesDropped.Add(1, MessagingTelemetry.Consumed(record.Topic, options.ConsumerGroup));
        LogDuplicate(envelope.MessageId, envelope.MessageType, record.Topic, record.Partition.Value, record.Offset.Value);
    }

    /// <summary>
    /// Marks the handled <paramref name="messageIds"/> processed, in one store call, as their owner. The handlers have run
    /// by now, so a stop signal gets a short grace to record that rather than cutting it off: an unrecorded claim would
    /// hold the message (and its partition) until the lease runs out. If even the grace is not enough, the claims are
    /// released, so the redelivery runs the (idempotent) handlers again instead of waiting.
    /// </summary>
    /// <remarks>
    /// An ID whose claim was taken over by another instance (found by a renewal, or refused by the mark itself) is not
    /// marked: the new owner's outcome counts. An ID the store refuses to record is logged and left unmarked; its
    /// handlers did run.
    /// </remarks>
    private async Task RecordOutcomesAsync(List<string> messageIds, LeaseRenewal.HeldClaims held, CancellationToken cancellationToken)
    {
        var marking = new List<string>(messageIds.Count);
        foreach (var messageId in messageIds)
        {
            if (held.WasTakenOver(messageId))
            {
                LogNotMarkedTakenOver(messageId);
            }
            else
            {
                marking.Add(messageId);
            }
        }

        using var settle = new CancellationTokenSource();
        using var graceOnStop = cancellationToken.Register(static state => ((CancellationTokenSource)state!).CancelAfter(OutcomeGrace), settle);
        try
        {
            while (marking.Count > 0)
            {
                try
                {
                    var marked = await PersistAsync(
                        "mark messages as processed",
                        (Processor: this, MessageIds: marking, held.Owner),
                        static (state, token) => state.Processor.deduplication.MarkProcessedAsync(state.Processor.options.ConsumerGroup, state.MessageIds, state.Owner, token),
                        settle.Token,
                        rejectable: marking).ConfigureAwait(false);
                    for (var i = 0; i < marking.Count; i++)
                    {
                        if (!marked[i])
                        {
                            LogNotMarkedTakenOver(marking[i]);
                        }
                    }

                    break;
                }
                catch (MessageIdRejectedException refusal)
                {
                    LogMarkRefused(refusal, refusal.MessageId);
                    marking.RemoveAll(id => string.Equals(id, refusal.MessageId, StringComparison.Ordinal));
                }
            }

            held.Settled(messageIds);
        }
        catch (OperationCanceledException) when (settle.IsCancellationRequested)
        {
            held.Settled(messageIds);
            await ReleaseQuietlyAsync(messageIds, held.Owner).ConfigureAwait(false);
            throw new OperationCanceledException("Stopped before the outcomes could be recorded.", cancellationToken);
        }
    }

    private async Task ReleaseQuietlyAsync(List<string> messageIds, Guid owner)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), timeProvider);
            await deduplication.ReleaseAsync(options.ConsumerGroup, messageIds, owner, timeout.Token).ConfigureAwait(false);
            if (logger.IsEnabled(LogLevel.Debug))
            {
                LogReleased(messageIds.Count, string.Join(", ", messageIds));
            }
        }
        catch (Exception exception)
        {
            // The leases run out on their own; releasing only saves the wait.
            LogReleaseFailed(exception, string.Join(", ", messageIds));
        }
    }

    /// <summary>True when <paramref name="owner"/> now holds the claim; false when the message was processed before.</summary>
    private async Task<bool> ClaimAsync(string messageId, Guid owner, CancellationToken cancellationToken)
    {
        var pause = FirstPause;
        string[] messageIds = [messageId];
        while (true)
        {
            var claims = await PersistAsync(
                "claim message",
                (Processor: this, MessageIds: messageIds, Owner: owner),
                static (state, token) => state.Processor.deduplication.TryClaimAsync(
                    state.Processor.options.ConsumerGroup, state.MessageIds, state.Owner, state.Processor.options.DeduplicationLease, token),
                cancellationToken,
                rejectable: messageIds).ConfigureAwait(false);

            switch (claims[0])
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
        reason = DeadLetterPublisher.BoundReason(reason);
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

    /// <summary>
    /// As <see cref="PersistAsync{TState}"/>, for a write with a result. A <see cref="MessageIdRejectedException"/> for
    /// one of <paramref name="rejectable"/> is thrown at once: the store can never record that ID, so retrying would stall
    /// the partition for good. Any other failure (a refusal of an ID not in the call included: a store bug) is retried.
    /// </summary>
    private async Task<TResult> PersistAsync<TState, TResult>(
        string what, TState state, Func<TState, CancellationToken, Task<TResult>> write, CancellationToken cancellationToken, IReadOnlyList<string> rejectable)
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
            catch (MessageIdRejectedException refusal) when (rejectable.Contains(refusal.MessageId, StringComparer.Ordinal))
            {
                LogIdRejected(refusal.MessageId.Length > 64 ? refusal.MessageId[..64] + "..." : refusal.MessageId, refusal.Message);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not release the claim on message(s) {MessageIds}; each lapses when its lease ends")]
    private partial void LogReleaseFailed(Exception exception, string messageIds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Released the claim(s) on {Count} message(s) without an outcome: {MessageIds}")]
    private partial void LogReleased(int count, string messageIds);

    [LoggerMessage(Level = LogLevel.Error, Message = "The deduplication store refused message ID {MessageId}; the record is dead-lettered, not retried: {Reason}")]
    private partial void LogIdRejected(string messageId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} was handled here, but its claim was taken over by another instance: it is not marked processed by this one (the other instance's outcome counts)")]
    private partial void LogNotMarkedTakenOver(string messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} was handled, but the deduplication store refused to record it; a redelivery would run its handlers again")]
    private partial void LogMarkRefused(Exception exception, string messageId);
}
