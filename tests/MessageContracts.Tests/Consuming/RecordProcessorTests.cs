using MessageContracts.Tests.Deduplication;
using Xunit;

namespace MessageContracts.Tests.Consuming;

/// <summary>
/// The consumer core without Kafka: routing, the deduplication gate, handler outcomes, dead letters, persistence
/// retries and which offsets may be stored, on <see cref="InMemoryDeduplicationStore"/> and a stepped fake clock.
/// </summary>
public sealed class RecordProcessorTests
{
    [Fact]
    public async Task A_message_processed_before_is_dropped_as_a_duplicate_and_its_offset_stored()
    {
        using var core = new CoreHarness();

        Assert.Equal(1, await core.SettleAsync(CoreHarness.Record(0, "m-1")));
        Assert.Equal(1, await core.SettleAsync(CoreHarness.Record(1, "m-1")));

        Assert.Equal(["m-1"], core.Handled);
        Assert.Equal([0L, 1L], core.StoredOffsets.Select(stored => stored.Offset));
        Assert.Empty(core.DeadLetters.Written);
    }

    [Fact]
    public async Task A_handler_that_keeps_failing_is_retried_then_dead_lettered_with_its_reason_and_marked()
    {
        using var core = new CoreHarness();
        var attempts = 0;
        core.Handler = async (context, cancellationToken) =>
        {
            // What the generated invoker does through HandlerRunner: retry with a pause, then give up.
            for (attempts = 1; attempts < 3; attempts++)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), core.Time, cancellationToken);
            }

            throw new HandlerFailedException(typeof(RecordProcessorTests), attempts, new InvalidOperationException("The warehouse is closed."));
        };

        Assert.Equal(1, await core.SettleAsync(CoreHarness.Record(0, "m-1")));

        var written = Assert.Single(core.DeadLetters.Written);
        Assert.Equal(0, written.Record.Position);
        Assert.Contains("failed 3 time(s)", written.Reason, StringComparison.Ordinal);
        Assert.Contains("The warehouse is closed.", written.Reason, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(written.Exception);
        Assert.Equal(3, written.Attempts);
        Assert.Equal(["m-1"], core.Store.Marked);
        Assert.Equal([0L], core.StoredOffsets.Select(stored => stored.Offset));

        // Marked: a redelivery is a duplicate, not a second dead letter.
        Assert.Equal(1, await core.SettleAsync(CoreHarness.Record(0, "m-1")));
        Assert.Single(core.DeadLetters.Written);
    }

    [Fact]
    public async Task A_record_handed_back_for_a_delayed_retry_is_settled_unmarked_and_handled_when_it_comes_back()
    {
        using var core = new CoreHarness();
        core.DeadLetters.RetriesLeft = 1;
        var handle = core.Handler;
        var fail = true;
        core.Handler = (context, cancellationToken) => fail
            ? throw new HandlerFailedException(typeof(RecordProcessorTests), 3, new InvalidOperationException("Not yet."))
            : handle(context, cancellationToken);

        Assert.Equal(1, await core.SettleAsync(CoreHarness.Record(0, "m-1")));

        // Handed to the transport, not dead-lettered; the offset moves on, the ID stays unprocessed and unclaimed.
        Assert.Equal(0, Assert.Single(core.DeadLetters.RetriedLater).Position);
        Assert.Empty(core.DeadLetters.Written);
        Assert.Empty(core.Store.Marked);
        Assert.Equal([0L], core.StoredOffsets.Select(stored => stored.Offset));

        // The copy comes back (at a later position) and is handled, then marked.
        fail = false;
        Assert.Equal(1, await core.SettleAsync(CoreHarness.Record(5, "m-1")));
        Assert.Equal(["m-1"], core.Handled);
        Assert.Equal(["m-1"], core.Store.Marked);
    }

    [Fact]
    public async Task A_record_without_an_envelope_is_dead_lettered_with_the_reason()
    {
        using var core = new CoreHarness();

        Assert.Equal(1, await core.SettleAsync(CoreHarness.Unreadable(7)));

        var written = Assert.Single(core.DeadLetters.Written);
        Assert.Contains("no headers", written.Reason, StringComparison.Ordinal);
        Assert.Equal(0, written.Attempts);
        Assert.Equal(0, core.Store.ClaimCalls);
        Assert.Equal([7L], core.StoredOffsets.Select(stored => stored.Offset));
    }

    [Fact]
    public async Task A_message_id_the_store_refuses_is_dead_lettered_with_the_refusal_and_the_rest_of_the_batch_claimed_again()
    {
        using var core = new CoreHarness();
        core.Store.RefusedId = "m-hostile";

        var settled = await core.SettleAsync(CoreHarness.Record(0, "m-1"), CoreHarness.Record(1, "m-hostile"), CoreHarness.Record(2, "m-3"));

        Assert.Equal(3, settled);
        Assert.Equal(2, core.Store.ClaimCalls);
        Assert.Equal(["m-1", "m-3"], core.Handled);
        var written = Assert.Single(core.DeadLetters.Written);
        Assert.Equal(1, written.Record.Position);
        Assert.Contains("does not fit the store", written.Reason, StringComparison.Ordinal);
        Assert.IsType<MessageIdRejectedException>(written.Exception);
        Assert.Equal([2L], core.StoredOffsets.Select(stored => stored.Offset)); // the last settled: it covers the ones before
    }

    [Fact]
    public async Task A_batch_stops_before_a_message_claimed_elsewhere_and_gives_back_the_claims_after_it()
    {
        using var core = new CoreHarness();
        var otherInstance = Guid.NewGuid();
        await core.Store.Inner.TryClaimAsync("core-tests", ["m-2"], otherInstance, TimeSpan.FromMinutes(2), CancellationToken.None);

        var settled = await core.SettleAsync(CoreHarness.Record(0, "m-1"), CoreHarness.Record(1, "m-2"), CoreHarness.Record(2, "m-3"));

        Assert.Equal(1, settled);
        Assert.Equal(["m-1"], core.Handled);
        Assert.Equal([0L], core.StoredOffsets.Select(stored => stored.Offset));

        // m-3 was claimed by the batch and released at once: another owner may take it now.
        var answers = await core.Store.Inner.TryClaimAsync("core-tests", ["m-3"], Guid.NewGuid(), TimeSpan.FromMinutes(2), CancellationToken.None);
        Assert.Equal(DeduplicationClaim.Claimed, answers[0]);
    }

    [Fact]
    public async Task A_batch_of_one_waits_while_another_instance_holds_the_claim_then_handles_it()
    {
        using var core = new CoreHarness();
        var otherInstance = Guid.NewGuid();
        await core.Store.Inner.TryClaimAsync("core-tests", ["m-1"], otherInstance, TimeSpan.FromMinutes(2), CancellationToken.None);

        var settling = core.StartAsync(CoreHarness.Record(0, "m-1"));

        // It asks again after 100 ms, 200 ms, 400 ms: growing pauses, nothing handled, no offset stored.
        foreach (var expected in new[] { 100, 200, 400 })
        {
            Assert.Equal(TimeSpan.FromMilliseconds(expected), await core.Time.NextTimerAsync());
            Assert.False(settling.IsCompleted);
            core.Time.Advance(TimeSpan.FromMilliseconds(expected));
        }

        Assert.Equal(TimeSpan.FromMilliseconds(800), await core.Time.NextTimerAsync());
        await core.Store.Inner.ReleaseAsync("core-tests", ["m-1"], otherInstance, CancellationToken.None);
        core.Time.Advance(TimeSpan.FromMilliseconds(800));

        Assert.Equal(1, await core.Time.DriveAsync(settling));
        Assert.Equal(["m-1"], core.Handled);
        Assert.Equal(5, core.Store.ClaimCalls);
        Assert.Equal([0L], core.StoredOffsets.Select(stored => stored.Offset));
    }

    [Fact]
    public async Task A_store_that_is_down_is_retried_with_backoff_and_the_offset_waits_for_the_mark()
    {
        using var core = new CoreHarness();
        core.Store.FailMarks = 3;

        Assert.Equal(1, await core.SettleAsync(CoreHarness.Record(0, "m-1")));

        Assert.Equal(4, core.Store.MarkCalls);
        var gaps = core.Store.MarkAttempts.Zip(core.Store.MarkAttempts.Skip(1), (before, after) => after - before);
        Assert.Equal([TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(400)], gaps);

        // Stored once, after the one mark that succeeded.
        var stored = Assert.Single(core.StoredOffsets);
        Assert.Equal((0L, 1), stored);
        Assert.Equal(["m-1"], core.Handled);
    }

    [Fact]
    public async Task A_batch_of_one_partition_is_settled_with_one_claim_one_mark_and_one_offset_store_after_the_mark()
    {
        using var core = new CoreHarness();
        Assert.Equal(1, await core.SettleAsync(CoreHarness.Record(0, "seen-before")));
        core.StoredOffsets.Clear();
        var claimsBefore = core.Store.ClaimCalls;
        var marksBefore = core.Store.MarkCalls;

        var settled = await core.SettleAsync(
            CoreHarness.Record(10, "m-1"),
            CoreHarness.Unreadable(11),
            CoreHarness.Record(12, "seen-before"),
            CoreHarness.Record(13, "m-4", CoreHarness.OtherServicesType),
            CoreHarness.Record(14, "m-5"));

        Assert.Equal(5, settled);
        Assert.Equal(1, core.Store.ClaimCalls - claimsBefore);
        Assert.Equal(1, core.Store.MarkCalls - marksBefore);
        Assert.Equal(["seen-before", "m-1", "m-5"], core.Handled);
        Assert.Equal(11, Assert.Single(core.DeadLetters.Written).Record.Position);

        // One offset store for the batch, the last record's (it says every record before it is done), and only after
        // the batch's mark was recorded.
        Assert.Equal([(14L, 2)], core.StoredOffsets);
    }

    [Fact]
    public async Task A_batch_s_marks_deferred_to_the_next_batch_are_recorded_before_its_offset_moves_and_before_the_next_handlers_run()
    {
        using var core = new CoreHarness();
        var marksWhenHandled = new List<(string MessageId, int Marks)>();
        core.Handler = (context, _) =>
        {
            marksWhenHandled.Add((context.MessageId, core.Store.MarksRecorded));
            core.Handled.Add(context.MessageId);
            return Task.CompletedTask;
        };

        var (settled, deferred) = await core.SettlePipelinedAsync(null, 0, defer: true, CoreHarness.Record(0, "m-1"), CoreHarness.Record(1, "m-2"));

        // Handled, not yet marked: no offset may move.
        Assert.Equal(2, settled);
        Assert.NotNull(deferred);
        Assert.Empty(core.StoredOffsets);
        Assert.Equal(0, core.Store.MarkCalls);

        // The next batch (m-3): its claim goes with the deferred marks, which are recorded before m-3 is handled.
        (settled, var second) = await core.SettlePipelinedAsync(deferred, 1, defer: true, CoreHarness.Record(2, "m-3"));

        Assert.Equal(1, settled);
        Assert.NotNull(second);
        Assert.True(deferred.Marked);
        Assert.Equal(("m-3", 1), marksWhenHandled[^1]);
        Assert.Equal([(1L, 1)], core.StoredOffsets);

        // Then m-3 delivered again: its claim must see m-3's deferred mark, so it is dropped as a duplicate.
        (settled, var third) = await core.SettlePipelinedAsync(second, 2, defer: false, CoreHarness.Record(3, "m-3"), CoreHarness.Record(4, "m-4"));

        Assert.Equal(2, settled);
        Assert.Null(third);
        Assert.Equal(["m-1", "m-2", "m-3", "m-4"], core.Handled);
        Assert.Equal(["m-1", "m-2", "m-3", "m-4"], core.Store.Marked);

        // Each batch's offset after its own mark, in order.
        Assert.Equal([(1L, 1), (2L, 2), (4L, 3)], core.StoredOffsets);
    }

    [Fact]
    public async Task A_batch_of_one_whose_handler_fails_unexpectedly_gives_its_claim_back_and_stores_no_offset()
    {
        using var core = new CoreHarness();
        core.Handler = (_, _) => throw new InvalidOperationException("A bug in the handler pipeline.");

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => core.SettleAsync(CoreHarness.Record(0, "m-1")));

        Assert.Equal("A bug in the handler pipeline.", failure.Message);
        Assert.Empty(core.StoredOffsets);
        Assert.Empty(core.Store.Marked);
        var answers = await core.Store.Inner.TryClaimAsync("core-tests", ["m-1"], Guid.NewGuid(), TimeSpan.FromMinutes(2), CancellationToken.None);
        Assert.Equal(DeduplicationClaim.Claimed, answers[0]);
    }

    [Fact]
    public async Task A_slow_handler_does_not_hold_back_the_marks_and_offsets_of_the_records_before_it()
    {
        using var core = new CoreHarness();
        var slow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        core.Handler = (context, _) =>
        {
            core.Handled.Add(context.MessageId);
            return context.MessageId == "m-slow" ? slow.Task : Task.CompletedTask;
        };

        var settling = core.StartAsync(CoreHarness.Record(0, "m-1"), CoreHarness.Record(1, "m-slow"));

        // After SlowHandlerFlush (100 ms) of the slow handler, m-1 is marked and its offset stored.
        Assert.Equal(TimeSpan.FromMilliseconds(100), await core.Time.NextTimerAsync());
        core.Time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True(await core.OffsetStored.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal([(0L, 1)], core.StoredOffsets);
        Assert.Equal(["m-1"], core.Store.Marked);
        Assert.False(settling.IsCompleted);

        slow.SetResult();
        Assert.Equal(2, await core.Time.DriveAsync(settling));
        Assert.Equal([(0L, 1), (1L, 2)], core.StoredOffsets);
        Assert.Equal(["m-1", "m-slow"], core.Store.Marked);
    }

    [Fact]
    public async Task Handlers_run_at_most_the_window_of_unwritten_marks_ahead_of_the_store_s_writer_so_a_crash_repeats_few()
    {
        GatedGroupStore? groups = null;
        BatchingDeduplicationStore? batching = null;
        using var core = new CoreHarness(processorStore: time =>
        {
            groups = new GatedGroupStore(time);
            batching = (BatchingDeduplicationStore)BatchingDeduplicationStore.For(groups);
            return batching;
        });
        core.Handler = (context, _) =>
        {
            if (core.Handled.Count == 0)
            {
                // The claim is written; from now on the writer holds its groups at the gate, as a slow commit would.
                groups!.Close();
            }

            core.Handled.Add(context.MessageId);
            return Task.CompletedTask;
        };

        var batch = Enumerable.Range(0, 40).Select(i => CoreHarness.Record(i, $"m-{i}")).ToArray();
        try
        {
            var settling = core.StartAsync(batch);

            // Every handler here completes at once, so the processor runs until it first waits: for the writer, once the
            // window is full. Without the window it would handle all 40 and wait only for the batch's mark.
            await groups!.GroupWaiting.Task.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.False(settling.IsCompleted);
            Assert.Equal(16, core.Handled.Count);
            Assert.Empty(core.StoredOffsets);

            groups.Open();
            Assert.Equal(40, await core.Time.DriveAsync(settling));
            Assert.Equal(Enumerable.Range(0, 40).Select(i => $"m-{i}"), core.Handled);
            Assert.Equal([39L], core.StoredOffsets.Select(stored => stored.Offset));
            var again = await groups.Store.TryClaimAsync("core-tests", core.Handled, Guid.NewGuid(), TimeSpan.FromMinutes(1), CancellationToken.None);
            Assert.All(again, claim => Assert.Equal(DeduplicationClaim.AlreadyProcessed, claim));
        }
        finally
        {
            // A held writer would keep the store from closing.
            groups!.Open();
            await batching!.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_concurrency_slots_bound_the_handlers_running_at_once_not_the_store_round_trips()
    {
        using var core = new CoreHarness();
        using var slots = new SemaphoreSlim(1);
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        core.Handler = (context, _) =>
        {
            lock (core.Handled)
            {
                core.Handled.Add(context.MessageId);
            }

            return context.MessageId == "a-1" ? held.Task : Task.CompletedTask;
        };

        // Lane A's handler holds the only slot; lane B still reaches the store (its claim is taken) but runs no handler.
        var laneA = core.StartWithSlotsAsync(slots, CoreHarness.Record(0, "a-1"));
        var laneB = core.StartWithSlotsAsync(slots, CoreHarness.Record(0, "b-1"));
        Assert.Equal(2, core.Store.ClaimCalls);
        Assert.Equal(["a-1"], core.Handled);
        Assert.Equal(0, slots.CurrentCount);
        Assert.False(laneB.IsCompleted);

        // A's handler ends: its slot goes to B, whose handler runs; every slot is given back.
        held.SetResult();
        Assert.Equal(1, (await core.Time.DriveAsync(laneA)).Settled);
        Assert.Equal(1, (await core.Time.DriveAsync(laneB)).Settled);
        Assert.Equal(["a-1", "b-1"], core.Handled);
        Assert.Equal(["a-1", "b-1"], core.Store.Marked);
        Assert.Equal(1, slots.CurrentCount);
    }

    [Fact]
    public async Task The_claim_is_renewed_while_a_handler_runs_past_its_lease()
    {
        using var core = new CoreHarness(lease: TimeSpan.FromSeconds(6));
        var answerForAnotherInstance = DeduplicationClaim.Claimed;
        core.Handler = async (context, cancellationToken) =>
        {
            // Ten seconds of handling in one-second steps: the renewal (every sixth of the lease) keeps the claim.
            for (var second = 0; second < 10; second++)
            {
                core.Time.Advance(TimeSpan.FromSeconds(1));
            }

            var answers = await core.Store.Inner.TryClaimAsync("core-tests", [context.MessageId], Guid.NewGuid(), TimeSpan.FromMinutes(2), cancellationToken);
            answerForAnotherInstance = answers[0];
        };

        Assert.Equal(1, await core.SettleAsync(CoreHarness.Record(0, "m-1")));

        Assert.Equal(DeduplicationClaim.ClaimedElsewhere, answerForAnotherInstance);
        Assert.Equal(["m-1"], core.Store.Marked);
        Assert.Equal([(0L, 1)], core.StoredOffsets);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_claim_taken_over_while_the_handler_ran_is_neither_marked_nor_released_by_the_old_owner(bool handlerFailsAfterwards)
    {
        using var core = new CoreHarness(lease: TimeSpan.FromSeconds(6));
        core.Store.FailRenewals = true;
        var newOwner = Guid.NewGuid();
        core.Handler = async (context, cancellationToken) =>
        {
            // This instance stalls past its lease (no renewal reaches the store), and another instance takes the claim.
            core.Time.Advance(TimeSpan.FromSeconds(7));
            var answers = await core.Store.Inner.TryClaimAsync("core-tests", [context.MessageId], newOwner, TimeSpan.FromMinutes(2), cancellationToken);
            Assert.Equal(DeduplicationClaim.Claimed, answers[0]);
            if (handlerFailsAfterwards)
            {
                throw new InvalidOperationException("A bug in the handler pipeline.");
            }
        };

        if (handlerFailsAfterwards)
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => core.SettleAsync(CoreHarness.Record(0, "m-1")));
            Assert.Empty(core.StoredOffsets);
        }
        else
        {
            Assert.Equal(1, await core.SettleAsync(CoreHarness.Record(0, "m-1")));
        }

        Assert.Empty(core.Store.Marked);

        // Still the new owner's: nobody else can claim it, and the new owner's mark counts.
        var third = await core.Store.Inner.TryClaimAsync("core-tests", ["m-1"], Guid.NewGuid(), TimeSpan.FromMinutes(2), CancellationToken.None);
        Assert.Equal(DeduplicationClaim.ClaimedElsewhere, third[0]);
        Assert.Equal([true], await core.Store.Inner.MarkProcessedAsync("core-tests", ["m-1"], newOwner, CancellationToken.None));
    }
}
