using System.Runtime.ExceptionServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MessageContracts;

/// <summary>
/// Settles a batch of records of one partition, in offset order, through its stages: <see cref="RecordRouter"/> reads
/// each envelope and chooses the handlers; <see cref="DeduplicationGate"/> claims the message IDs (one store call for the
/// batch) and keeps the claims alive while <see cref="HandlerInvocation"/> runs the handlers; unreadable and failed
/// records go to <see cref="DeadLetterStage"/>; <see cref="OffsetSettlement"/> marks the handled IDs processed and only
/// then stores the offsets. A single record is a batch of one: the same path, which waits for a claim another instance
/// holds instead of stopping before it.
/// </summary>
/// <remarks>
/// A store that is down is retried until it answers (<see cref="PersistenceRetry"/>: the partition waits; nothing is
/// skipped). A store that refuses a record's message ID itself (<see cref="MessageIdRejectedException"/>) gets the record
/// dead-lettered instead: retrying would stall the partition forever. With the transactional inbox, each record is
/// settled alone, in the handlers' own transaction (<see cref="InboxProcessing"/>), instead of through the gate.
/// </remarks>
internal sealed class RecordProcessor : IInboundRecordPipeline, IDisposable
{
    private static readonly TimeSpan SlowHandlerFlush = TimeSpan.FromMilliseconds(100);

    private readonly RecordRouter router;
    private readonly DeduplicationGate gate;
    private readonly HandlerInvocation handlers;
    private readonly DeadLetterStage deadLetters;
    private readonly InboxProcessing? inbox;
    private readonly TimeProvider timeProvider;
    private readonly IReadOnlyList<string> sources;

    public RecordProcessor(
        HandlerCatalog catalog,
        IServiceScopeFactory scopeFactory,
        DeadLetterPublisher deadLetters,
        IDeduplicationStore deduplication,
        IOptions<MessageContractsOptions> options,
        TimeProvider timeProvider,
        ILogger<RecordProcessor> logger,
        InboxProcessing? inbox = null)
        : this(catalog, scopeFactory, (IDeadLetterSink)deadLetters, deduplication, options.Value, timeProvider, logger, inbox)
    {
    }

    /// <summary>Builds the stages over any dead-letter sink (the unit tests' too).</summary>
    internal RecordProcessor(
        HandlerCatalog catalog,
        IServiceScopeFactory scopeFactory,
        IDeadLetterSink deadLetterSink,
        IDeduplicationStore deduplication,
        MessageContractsOptions options,
        TimeProvider timeProvider,
        ILogger logger,
        InboxProcessing? inbox = null)
    {
        this.inbox = inbox is { Enabled: true } ? inbox : null;
        this.timeProvider = timeProvider;
        sources = catalog.Topics;
        var persistence = new PersistenceRetry(timeProvider, logger);
        router = new RecordRouter(catalog, EnvelopeLimits.From(options), logger);
        gate = new DeduplicationGate(deduplication, options.ConsumerGroup, options.DeduplicationLease, persistence, timeProvider, logger);
        deadLetters = new DeadLetterStage(deadLetterSink, persistence, logger);
        handlers = new HandlerInvocation(scopeFactory, deadLetters, options.ConsumerGroup, timeProvider, options.EffectiveTransport.Name);
    }

    /// <summary>Whether records may be settled in batches: not with the transactional inbox, which settles each record in its own transaction.</summary>
    public bool CanBatch => inbox is null;

    /// <inheritdoc/>
    public IReadOnlyList<string> Sources => sources;

    /// <inheritdoc/>
    Task<int> IInboundRecordPipeline.SettleAsync(IReadOnlyList<InboundRecord> batch, Action<int> settled, CancellationToken stop, CancellationToken cancellationToken) =>
        ProcessBatchAsync(batch, settled, stop, cancellationToken);

    /// <summary>Stops the lease renewal timer.</summary>
    public void Dispose() => gate.Dispose();

    /// <summary>
    /// Settles a prefix of <paramref name="batch"/> and moves the partition's offset past them (through
    /// <paramref name="storeOffset"/>, given the index of the last record settled at each flush, in order); returns how
    /// many were settled. Before any record after the
    /// first it stops when <paramref name="stop"/> is signalled, or once the claims are half their lease old; and it stops
    /// before a record that another instance holds claimed (a batch of one waits for it instead). The caller settles the
    /// rest. On cancellation or an unexpected error it still records the outcomes of the records already handled (within
    /// the grace), releases the other claims and stores the offsets of what it recorded, then throws. A handler still
    /// running after <see cref="SlowHandlerFlush"/> first has the records before it settled (marked, offsets stored).
    /// </summary>
    public async Task<int> ProcessBatchAsync(
        IReadOnlyList<InboundRecord> batch,
        Action<int> storeOffset,
        CancellationToken stop,
        CancellationToken cancellationToken) =>
        (await ProcessBatchAsync(batch, storeOffset, previous: null, storePrevious: null, mayDefer: null, stop, cancellationToken).ConfigureAwait(false)).Settled;

    /// <summary>
    /// As <see cref="ProcessBatchAsync(IReadOnlyList{InboundRecord}, Action{int}, CancellationToken, CancellationToken)"/>,
    /// pipelined with the batches before and after it: the marks a previous batch deferred (<paramref name="previous"/>)
    /// go to the store with this batch's claims (<see cref="DeduplicationGate.MarkThenClaimAsync"/>), and only once they
    /// are recorded is <paramref name="storePrevious"/> called (the previous batch's offsets), before any record of this
    /// batch is handled. When every record of this batch is settled, the stop is not signalled and
    /// <paramref name="mayDefer"/> says more records are waiting, this batch's marks are deferred in turn and returned
    /// (its offsets not stored yet); the caller passes them to the next batch, or records them alone with
    /// <see cref="FlushDeferredAsync"/>. So a worker waits for one store commit per batch, not two, and the ordering
    /// holds: claim before handling, mark after, offset only once the mark is durable. With
    /// <paramref name="handlerSlots"/> (the consumer's <c>MaxConcurrency</c>), one slot is held from the first handler to
    /// the last, never across the claim or the mark.
    /// </summary>
    public async Task<(int Settled, DeferredMarks? Deferred)> ProcessBatchAsync(
        IReadOnlyList<InboundRecord> batch,
        Action<int> storeOffset,
        DeferredMarks? previous,
        Action? storePrevious,
        Func<bool>? mayDefer,
        CancellationToken stop,
        CancellationToken cancellationToken,
        SemaphoreSlim? handlerSlots = null)
    {
        if (inbox is not null)
        {
            if (batch.Count != 1)
            {
                throw new ArgumentException("With the transactional inbox, records are settled one at a time (CanBatch is false).", nameof(batch));
            }

            if (previous is not null)
            {
                throw new ArgumentException("With the transactional inbox, no marks are deferred.", nameof(previous));
            }

            if (handlerSlots is not null)
            {
                await handlerSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            try
            {
                await SettleInInboxAsync(inbox, batch[0], cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                handlerSlots?.Release();
            }

            storeOffset(0);
            return (1, null);
        }

        var count = batch.Count;
        var routes = new RoutedRecord[count];
        var ids = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            routes[i] = router.Route(batch[i]);
            if (routes[i].IsHandledHere)
            {
                ids.Add(routes[i].Envelope!.Value.MessageId);
            }
        }

        var owner = Guid.NewGuid();
        ClaimResult claimed;
        if (previous is null)
        {
            claimed = await gate.ClaimAsync(ids, owner, waitWhileClaimedElsewhere: count == 1, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            try
            {
                claimed = await gate.MarkThenClaimAsync(previous, ids, owner, waitWhileClaimedElsewhere: count == 1, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                // The previous batch's offsets move on only once its marks are recorded, and before this batch handles anything.
                if (previous.Marked)
                {
                    storePrevious!();
                }

                previous.Dispose();
            }
        }

        var claimedAt = timeProvider.GetTimestamp();
        var halfLease = gate.Lease / 2;

        // The answer for each record that was asked about (in the order of the claim call), or null.
        var claims = new DeduplicationClaim?[count];
        for (int i = 0, k = 0; i < count && k < claimed.Asked.Count; i++)
        {
            if (routes[i].IsHandledHere && !claimed.Rejected.ContainsKey(routes[i].Envelope!.Value.MessageId))
            {
                claims[i] = claimed.Answers[k++];
            }
        }

        var held = gate.Hold(owner, claimed, claimedAt);
        var settlement = new OffsetSettlement(gate, held, storeOffset, count);
        Exception? failure = null;
        var slotHeld = false;
        List<string>? retryLater = null;
        try
        {
            while (settlement.Settled < count)
            {
                var index = settlement.Settled;

                // The first record is in progress once the batch starts; later ones wait for the next batch when stopping,
                // or when the claims are so old that a slow handler could outlive them unrenewed.
                if (index > 0 && (stop.IsCancellationRequested || timeProvider.GetElapsedTime(claimedAt) > halfLease))
                {
                    break;
                }

                var record = batch[index];
                var route = routes[index];
                if (route.Envelope is not { } envelope)
                {
                    // No (usable) ID to deduplicate on: the dead-letter write itself is the outcome.
                    await deadLetters.DeadLetterAsync(record, route.UnreadableReason!, exception: null, attempts: 0, cancellationToken).ConfigureAwait(false);
                    settlement.SettledDurably();
                    continue;
                }

                if (route.Invoker is not { } invoker)
                {
                    router.SkipNotHandledHere(record, envelope);
                    settlement.SettledDurably();
                    continue;
                }

                if (claimed.Rejected.TryGetValue(envelope.MessageId, out var refusal))
                {
                    await deadLetters.DeadLetterAsync(record, refusal.Message, refusal, attempts: 0, cancellationToken).ConfigureAwait(false);
                    settlement.SettledDurably();
                    continue;
                }

                var claim = claims[index];
                if (claim == DeduplicationClaim.AlreadyProcessed)
                {
                    gate.DropDuplicate(record, envelope);
                    settlement.SettledDurably();
                    continue;
                }

                if (claim != DeduplicationClaim.Claimed || held.WasTakenOver(envelope.MessageId))
                {
                    // Held elsewhere (or earlier in this batch, or taken over since): the caller settles it alone, which
                    // waits for it.
                    break;
                }

                if (!settlement.HasRoomToHandle)
                {
                    // Handling runs at most a few records ahead of the store's writer, so a crash repeats few. The slot
                    // goes back while waiting, as for any store round trip.
                    if (slotHeld)
                    {
                        handlerSlots!.Release();
                        slotHeld = false;
                    }

                    await settlement.WaitForRoomToHandleAsync(cancellationToken).ConfigureAwait(false);
                }

                if (handlerSlots is not null && !slotHeld)
                {
                    // The slot bounds handlers running at once, not store round trips: it is taken at the first handler
                    // and given back after the last, so workers waiting for a commit let other partitions handle.
                    await handlerSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
                    slotHeld = true;
                }

                var handling = handlers.HandleAsync(record, envelope, invoker, cancellationToken, transaction: null, mayRetryLater: true);
                if (!handling.IsCompleted && settlement.HasUnmarked)
                {
                    // A slow (or hung) handler must not hold the records before it unsettled: once it has run for
                    // SlowHandlerFlush, record their outcomes and store their offsets while it goes on.
                    using var flushTimer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    var flushDue = Task.Delay(SlowHandlerFlush, timeProvider, flushTimer.Token);
                    if (await Task.WhenAny(handling, flushDue).ConfigureAwait(false) != handling)
                    {
                        await settlement.FlushAsync(cancellationToken).ConfigureAwait(false);
                    }

                    await flushTimer.CancelAsync().ConfigureAwait(false);
                }

                // Dead-lettered by the handler stage or handled: either way the claim is marked processed. Handed back for
                // a delayed retry: settled, and its claim released below, so that the copy coming back is handled.
                if (await handling.ConfigureAwait(false) == RecordOutcome.RetryLater)
                {
                    settlement.SettledDurably();
                    (retryLater ??= []).Add(envelope.MessageId);
                    continue;
                }

                settlement.SettledHandled(envelope.MessageId);
            }
        }
        catch (Exception exception)
        {
            failure = exception;
        }
        finally
        {
            if (slotHeld)
            {
                handlerSlots!.Release();
            }
        }

        // The claims this batch took but did not settle (the failed record's included) go back at once, so the next
        // delivery need not wait for the leases.
        var unsettled = retryLater;
        for (var i = settlement.Settled; i < count; i++)
        {
            if (claims[i] == DeduplicationClaim.Claimed)
            {
                (unsettled ??= []).Add(routes[i].Envelope!.Value.MessageId);
            }
        }

        if (unsettled is not null)
        {
            await gate.ReleaseAsync(unsettled, held).ConfigureAwait(false);
        }

        if (failure is null && settlement.Settled == count && settlement.HasUnmarked && !stop.IsCancellationRequested && mayDefer is not null && mayDefer())
        {
            // More records wait: this batch's marks go with their claims (the claims stay renewed until then).
            var (unmarked, early) = settlement.TakeUnmarked();
            return (count, new DeferredMarks(unmarked, held, early));
        }

        try
        {
            await settlement.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            held.Dispose();
        }

        if (failure is not null)
        {
            ExceptionDispatchInfo.Throw(failure);
        }

        return (settlement.Settled, null);
    }

    /// <summary>
    /// Records the marks a batch deferred, alone (no batch follows: the worker is stopping, or its queue ran dry), then
    /// calls <paramref name="storePrevious"/> for that batch's offsets. If the marks cannot be recorded (stopped past
    /// their grace), it throws and no offset moves.
    /// </summary>
    public async Task FlushDeferredAsync(DeferredMarks previous, Action storePrevious, CancellationToken cancellationToken)
    {
        try
        {
            await gate.MarkAsync(previous, cancellationToken).ConfigureAwait(false);
            storePrevious();
        }
        finally
        {
            previous.Dispose();
        }
    }

    /// <summary>
    /// The transactional inbox settles the record instead of the gate: the dedup record commits in one transaction with
    /// the handlers' own writes (docs/outbox.md). Routing and dead-lettering are the shared stages.
    /// </summary>
    private async Task SettleInInboxAsync(InboxProcessing inbox, InboundRecord record, CancellationToken cancellationToken)
    {
        var route = router.Route(record);
        if (route.Envelope is not { } envelope)
        {
            await deadLetters.DeadLetterAsync(record, route.UnreadableReason!, exception: null, attempts: 0, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (route.Invoker is not { } invoker)
        {
            router.SkipNotHandledHere(record, envelope);
            return;
        }

        try
        {
            await inbox.ProcessAsync(
                record,
                envelope.MessageId,
                (transaction, token) => handlers.HandleAsync(record, envelope, invoker, token, transaction),
                cancellationToken).ConfigureAwait(false);
        }
        catch (MessageIdRejectedException rejected) when (rejected.MessageId == envelope.MessageId)
        {
            await deadLetters.DeadLetterAsync(record, rejected.Message, rejected, attempts: 0, cancellationToken).ConfigureAwait(false);
        }
    }
}
