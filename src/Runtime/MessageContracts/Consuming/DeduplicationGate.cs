using Microsoft.Extensions.Logging;

namespace MessageContracts;

/// <summary>
/// The deduplication gate around the handlers: claims message IDs before they are handled, keeps the claims alive while
/// the handlers run (<see cref="LeaseRenewal"/>), marks them processed after, and releases those left without an
/// outcome. Every call carries the owner token the claims were taken with, so a claim another instance took over
/// (its lease ran out here) is neither marked nor released by this one.
/// </summary>
internal sealed partial class DeduplicationGate : IDisposable
{
    private static readonly TimeSpan OutcomeGrace = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ReleaseTimeout = TimeSpan.FromSeconds(5);

    // A set kept per thread for Overlap, emptied after each use: no set allocated per batch.
    [ThreadStatic]
    private static HashSet<string>? overlapScratch;

    private readonly IDeduplicationStore store;
    private readonly string consumerGroup;
    private readonly TimeSpan lease;
    private readonly PersistenceRetry persistence;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly LeaseRenewal leases;

    public DeduplicationGate(IDeduplicationStore store, string consumerGroup, TimeSpan lease, PersistenceRetry persistence, TimeProvider timeProvider, ILogger logger)
    {
        this.store = store;
        this.consumerGroup = consumerGroup;
        this.lease = lease;
        this.persistence = persistence;
        this.timeProvider = timeProvider;
        this.logger = logger;
        leases = new LeaseRenewal(store, consumerGroup, lease, timeProvider, logger);
    }

    /// <summary>How long a claim lasts unless renewed.</summary>
    public TimeSpan Lease => lease;

    /// <summary>Stops the lease renewal timer.</summary>
    public void Dispose() => leases.Dispose();

    /// <summary>
    /// Claims <paramref name="messageIds"/> for <paramref name="owner"/> in one store call, retried while the store is
    /// down. An ID the store refuses (<see cref="MessageIdRejectedException"/>: nothing of that call was claimed) is set
    /// aside with its refusal and the rest claimed again, so one hostile ID costs one more call, not the batch.
    /// </summary>
    /// <param name="messageIds">The IDs to claim.</param>
    /// <param name="owner">The owner token of this call's claims.</param>
    /// <param name="waitWhileClaimedElsewhere">
    /// For a single ID: while another instance holds it (a duplicate on another partition, or a consumer that died
    /// mid-handler), ask again after a growing pause, until its outcome is recorded or its lease runs out. A batch does
    /// not wait: it stops before such a record, and that record is then settled alone.
    /// </param>
    /// <param name="cancellationToken">Stops the retries and the waiting.</param>
    public async Task<ClaimResult> ClaimAsync(List<string> messageIds, Guid owner, bool waitWhileClaimedElsewhere, CancellationToken cancellationToken)
    {
        Dictionary<string, MessageIdRejectedException>? rejected = null;
        var what = messageIds.Count == 1 ? "claim message" : "claim messages";
        var pause = PersistenceRetry.FirstPause;
        IReadOnlyList<string> remaining = messageIds;
        while (remaining.Count > 0)
        {
            IReadOnlyList<DeduplicationClaim> answers;
            try
            {
                answers = await persistence.RunAsync(
                    what,
                    (Gate: this, MessageIds: remaining, Owner: owner),
                    static (state, token) => state.Gate.store.TryClaimAsync(
                        state.Gate.consumerGroup, state.MessageIds, state.Owner, state.Gate.lease, token),
                    cancellationToken,
                    rejectable: remaining).ConfigureAwait(false);
            }
            catch (MessageIdRejectedException refusal)
            {
                (rejected ??= new Dictionary<string, MessageIdRejectedException>(StringComparer.Ordinal))[refusal.MessageId] = refusal;
                remaining = remaining.Where(id => !string.Equals(id, refusal.MessageId, StringComparison.Ordinal)).ToList();
                continue;
            }

            if (waitWhileClaimedElsewhere && remaining.Count == 1 && answers[0] == DeduplicationClaim.ClaimedElsewhere)
            {
                LogClaimedElsewhere(remaining[0], pause);
                await persistence.PauseAsync(pause, cancellationToken).ConfigureAwait(false);
                pause = PersistenceRetry.Grow(pause);
                continue;
            }

            return new ClaimResult(remaining, answers, rejected ?? ClaimResult.NoneRejected);
        }

        return new ClaimResult(remaining, [], rejected ?? ClaimResult.NoneRejected);
    }

    /// <summary>
    /// Records the marks <paramref name="previous"/> deferred, then claims <paramref name="messageIds"/> as
    /// <see cref="ClaimAsync"/> does, overlapping the two store calls: with group commit
    /// (<see cref="BatchingDeduplicationStore"/>) both go in one group, so a worker waits for one commit per batch instead
    /// of two (its mark, then its claim); with another store the two calls run at once, unless an ID is in both (then the
    /// mark goes first, so the claim sees it processed). Returns once both are done; <see cref="DeferredMarks.Marked"/>
    /// says whether the mark was recorded (it is retried as <see cref="MarkProcessedAsync"/> retries it, so false only
    /// when this throws). When the marks were handed to the store's writer as each record was handled
    /// (<see cref="DeferredMarks.Early"/>), only the claim goes to the store; the marks are in its transaction or an
    /// earlier one, and are waited for after it.
    /// </summary>
    public async Task<ClaimResult> MarkThenClaimAsync(DeferredMarks previous, List<string> messageIds, Guid owner, bool waitWhileClaimedElsewhere, CancellationToken cancellationToken)
    {
        if (messageIds.Count == 0 || previous.Early is { Count: > 0 })
        {
            // Nothing to claim, or the marks went to the writer early (so they are in this claim's transaction or an
            // earlier one): the mark is waited for after the claim.
            ClaimResult claimedFirst;
            try
            {
                claimedFirst = await ClaimAsync(messageIds, owner, waitWhileClaimedElsewhere, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // The mark still finishes (within its grace), so the caller can store the previous batch's offsets.
                try
                {
                    await MarkAsync(previous, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // Marked stays false: the offsets are not stored. The claim's failure is the one to report.
                }

                throw;
            }

            await MarkAsync(previous, cancellationToken).ConfigureAwait(false);
            return claimedFirst;
        }

        if (store is BatchingDeduplicationStore batching)
        {
            // One attempt in one group; whichever of the two failed (the store down, an ID refused, the claim cancelled)
            // is then retried alone through the ordinary path, mark first.
            var marking = NotTakenOver(previous.MessageIds, previous.Held);
            var mark = DeduplicationRequest.MarkProcessed(consumerGroup, marking, previous.Held.Owner, CancellationToken.None);
            var claim = DeduplicationRequest.Claim(consumerGroup, messageIds, owner, lease, cancellationToken);
            await batching.SubmitTogetherAsync(mark, claim).ConfigureAwait(false);
            if (mark.Completion.Task.IsCompletedSuccessfully && mark.Failure is null)
            {
                LogUnmarked(marking, mark.Answers);
                previous.Held.Settled(previous.MessageIds);
                previous.Marked = true;
            }
            else
            {
                await MarkAsync(previous, cancellationToken).ConfigureAwait(false);
            }

            if (claim.Completion.Task.IsCompletedSuccessfully && claim.Failure is null
                && !(waitWhileClaimedElsewhere && messageIds.Count == 1 && claim.Claims[0] == DeduplicationClaim.ClaimedElsewhere))
            {
                return new ClaimResult(messageIds, claim.Claims, ClaimResult.NoneRejected);
            }

            return await ClaimAsync(messageIds, owner, waitWhileClaimedElsewhere, cancellationToken).ConfigureAwait(false);
        }

        if (Overlap(previous.MessageIds, messageIds))
        {
            await MarkAsync(previous, cancellationToken).ConfigureAwait(false);
            return await ClaimAsync(messageIds, owner, waitWhileClaimedElsewhere, cancellationToken).ConfigureAwait(false);
        }

        var markTask = MarkAsync(previous, cancellationToken);
        ClaimResult claimed;
        try
        {
            claimed = await ClaimAsync(messageIds, owner, waitWhileClaimedElsewhere, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // The mark still finishes (within its grace), so the caller can store the previous batch's offsets.
            try
            {
                await markTask.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Marked stays false: the offsets are not stored. The claim's failure is the one to report.
            }

            throw;
        }

        await markTask.ConfigureAwait(false);
        return claimed;
    }

    /// <summary>
    /// Whether an ID is in both lists. Through a set: comparing every pair (64 x 64 per batch, time-ordered IDs that
    /// differ only near their end) was 1 % of the consumer's CPU with the PostgreSQL store.
    /// </summary>
    private static bool Overlap(List<string> first, List<string> second)
    {
        var set = overlapScratch ??= new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var messageId in second)
            {
                set.Add(messageId);
            }

            foreach (var messageId in first)
            {
                if (set.Contains(messageId))
                {
                    return true;
                }
            }

            return false;
        }
        finally
        {
            set.Clear();
        }
    }

    /// <summary>Records the marks <paramref name="previous"/> deferred, alone (<see cref="MarkProcessedAsync"/>).</summary>
    public async Task MarkAsync(DeferredMarks previous, CancellationToken cancellationToken)
    {
        await MarkProcessedAsync(previous.MessageIds, previous.Held, cancellationToken, previous.Early).ConfigureAwait(false);
        previous.Marked = true;
    }

    /// <summary>
    /// With group commit, hands the handled <paramref name="messageId"/> to the store's writer at once, to be marked in
    /// its next transaction (<see cref="BatchingDeduplicationStore.MarkSoon"/>), and returns the set it joined; null
    /// otherwise (another store, the store closed, or the claim taken over), and the ID is marked with the batch. Either
    /// way the offset moves on only after <see cref="MarkProcessedAsync"/> says the mark is recorded.
    /// </summary>
    public PendingMarks? MarkSoon(string messageId, LeaseRenewal.HeldClaims held) =>
        store is BatchingDeduplicationStore batching && !held.WasTakenOver(messageId)
            ? batching.MarkSoon(consumerGroup, held.Owner, messageId)
            : null;

    /// <summary>
    /// Waits for the sets <see cref="MarkSoon"/> handed to the writer and logs their IDs that were not marked (taken
    /// over); returns the IDs still to mark the ordinary way: none, unless a set's transaction failed or the store refused
    /// one of its IDs (then the whole set, retried as <see cref="MarkProcessedAsync"/> retries).
    /// </summary>
    private async Task<List<string>?> WaitForEarlyMarksAsync(List<string> messageIds, EarlyMarks early, CancellationToken cancellationToken)
    {
        List<string>? again = null;
        foreach (var marks in early.Sets)
        {
            DeduplicationRequest? written = null;
            try
            {
                // The writer does not heed the caller's token (a claim or mark in a transaction is seen through); the
                // wait does, and what is not known to be written is marked again below.
                written = await marks.WrittenAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The transaction failed (the store unavailable) or the store closed: marked again below.
            }

            if (written is { Failure: null })
            {
                LogUnmarked(marks.MessageIds, written.Answers);
            }
            else
            {
                (again ??= []).AddRange(marks.MessageIds);
            }
        }

        // IDs handled but not handed over early (taken over, or the store closed) are marked with the batch.
        if (early.Count < messageIds.Count)
        {
            var handedOver = new HashSet<string>(StringComparer.Ordinal);
            foreach (var marks in early.Sets)
            {
                handedOver.UnionWith(marks.MessageIds);
            }

            foreach (var messageId in messageIds)
            {
                if (!handedOver.Contains(messageId))
                {
                    (again ??= []).Add(messageId);
                }
            }
        }

        return again;
    }

    /// <summary>The IDs to mark: those whose claim was not taken over; a new list only when some were (rare).</summary>
    private List<string> NotTakenOver(List<string> messageIds, LeaseRenewal.HeldClaims held)
    {
        if (!held.AnyTakenOver)
        {
            // The caller's list itself: it is not changed while the store has it (a refusal makes a new list).
            return messageIds;
        }

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

        return marking;
    }

    private void LogUnmarked(List<string> marking, bool[] marked)
    {
        for (var i = 0; i < marking.Count; i++)
        {
            if (!marked[i])
            {
                LogNotMarkedTakenOver(marking[i]);
            }
        }
    }

    /// <summary>Starts renewing the claims <paramref name="owner"/> took (those answered <see cref="DeduplicationClaim.Claimed"/>).</summary>
    public LeaseRenewal.HeldClaims Hold(Guid owner, ClaimResult claims, long claimedAt) =>
        leases.Hold(owner, claims.ClaimedIds(), claimedAt, claims.Asked.Count);

    /// <summary>Counts and logs a delivery of a message that was processed before; the caller then skips it.</summary>
    public void DropDuplicate(InboundRecord record, InboundEnvelope envelope)
    {
        MessagingTelemetry.DuplicatesDropped.Add(1, MessagingTelemetry.Consumed(record.Source, consumerGroup));
        LogDuplicate(envelope.MessageId, envelope.MessageType, record.Source, record.Lane, record.Position);
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
    public async Task MarkProcessedAsync(List<string> messageIds, LeaseRenewal.HeldClaims held, CancellationToken cancellationToken, EarlyMarks? early = null)
    {
        using var settle = new CancellationTokenSource();
        using var graceOnStop = cancellationToken.Register(static state => ((CancellationTokenSource)state!).CancelAfter(OutcomeGrace), settle);
        List<string> marking;
        try
        {
            if (early is { Count: > 0 })
            {
                // Most (usually all) were handed to the writer as each record was handled: wait for their transactions.
                if (await WaitForEarlyMarksAsync(messageIds, early, settle.Token).ConfigureAwait(false) is not { } again)
                {
                    held.Settled(messageIds);
                    return;
                }

                marking = NotTakenOver(again, held);
            }
            else
            {
                marking = NotTakenOver(messageIds, held);
            }

            while (marking.Count > 0)
            {
                try
                {
                    var marked = await persistence.RunAsync(
                        "mark messages as processed",
                        (Gate: this, MessageIds: marking, held.Owner),
                        static (state, token) => state.Gate.store.MarkProcessedAsync(state.Gate.consumerGroup, state.MessageIds, state.Owner, token),
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
                    marking = marking.Where(id => !string.Equals(id, refusal.MessageId, StringComparison.Ordinal)).ToList();
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

    /// <summary>
    /// Gives back claims left without an outcome (stopped, or failed unexpectedly), so the next delivery need not wait for
    /// the leases. Best effort: a lease runs out on its own.
    /// </summary>
    public async Task ReleaseAsync(List<string> messageIds, LeaseRenewal.HeldClaims held)
    {
        held.Settled(messageIds);
        await ReleaseQuietlyAsync(messageIds, held.Owner).ConfigureAwait(false);
    }

    private async Task ReleaseQuietlyAsync(List<string> messageIds, Guid owner)
    {
        try
        {
            using var timeout = new CancellationTokenSource(ReleaseTimeout, timeProvider);
            await store.ReleaseAsync(consumerGroup, messageIds, owner, timeout.Token).ConfigureAwait(false);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Duplicate message {MessageId} ('{MessageType}', {Topic}[{Partition}]@{Offset}) was processed before; dropped")]
    private partial void LogDuplicate(string messageId, string messageType, string topic, int partition, long offset);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Message {MessageId} is being processed by another instance; asking again in {Pause}")]
    private partial void LogClaimedElsewhere(string messageId, TimeSpan pause);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not release the claim on message(s) {MessageIds}; each lapses when its lease ends")]
    private partial void LogReleaseFailed(Exception exception, string messageIds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Released the claim(s) on {Count} message(s) without an outcome: {MessageIds}")]
    private partial void LogReleased(int count, string messageIds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} was handled here, but its claim was taken over by another instance: it is not marked processed by this one (the other instance's outcome counts)")]
    private partial void LogNotMarkedTakenOver(string messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} was handled, but the deduplication store refused to record it; a redelivery would run its handlers again")]
    private partial void LogMarkRefused(Exception exception, string messageId);
}

/// <summary>The store's answers to one claim call.</summary>
/// <param name="Asked">The IDs the answering call asked about (the IDs asked for, less those refused).</param>
/// <param name="Answers">The answer for each of <paramref name="Asked"/>, in order.</param>
/// <param name="Rejected">The IDs the store refused, with the refusal (the record is dead-lettered with it).</param>
internal sealed record ClaimResult(
    IReadOnlyList<string> Asked,
    IReadOnlyList<DeduplicationClaim> Answers,
    IReadOnlyDictionary<string, MessageIdRejectedException> Rejected)
{
    /// <summary>No refusals: shared, as almost every claim call has none.</summary>
    public static readonly IReadOnlyDictionary<string, MessageIdRejectedException> NoneRejected =
        new Dictionary<string, MessageIdRejectedException>(StringComparer.Ordinal);

    /// <summary>The IDs this call claimed.</summary>
    public IEnumerable<string> ClaimedIds()
    {
        for (var i = 0; i < Asked.Count; i++)
        {
            if (Answers[i] == DeduplicationClaim.Claimed)
            {
                yield return Asked[i];
            }
        }
    }
}
