using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace MessageContracts.Stores.Tests;

/// <summary>
/// What every <see cref="IDeduplicationStore"/> must do, run once per store kind by a subclass. xunit makes a new
/// instance per test, so each test gets a database of its own.
/// </summary>
/// <remarks>
/// A consumer instance here is a store instance and an owner token (<see cref="Claimer"/>): the token is what tells one
/// claim from the next, also within one process.
/// </remarks>
public abstract class DeduplicationStoreContract : IAsyncLifetime
{
    protected const string Group = "orders";
    protected static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    /// <summary>The clock every store of this test reads; tests move it instead of sleeping.</summary>
    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>
    /// A store on this test's database. For a store kind that can be shared, each call is another instance on the
    /// same database, as a second consumer instance of the group would have; the in-memory store, shared by nobody,
    /// returns its one instance.
    /// </summary>
    protected abstract IDeduplicationStore CreateStore();

    /// <summary>A claimer on a new store instance with a new owner token.</summary>
    protected Claimer NewClaimer() => new(CreateStore(), Guid.NewGuid());

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_first_claim_is_claimed()
    {
        var a = NewClaimer();

        Assert.Equal(DeduplicationClaim.Claimed, await a.ClaimAsync("m1"));
    }

    [Fact]
    public async Task A_second_claim_while_the_lease_runs_is_claimed_elsewhere()
    {
        var a = NewClaimer();
        var b = NewClaimer();
        await a.ClaimAsync("m1");

        Assert.Equal(DeduplicationClaim.ClaimedElsewhere, await a.ClaimAsync("m1"));
        Assert.Equal(DeduplicationClaim.ClaimedElsewhere, await b.ClaimAsync("m1"));

        Time.Advance(Lease - TimeSpan.FromMilliseconds(1));
        Assert.Equal(DeduplicationClaim.ClaimedElsewhere, await b.ClaimAsync("m1"));
    }

    [Fact]
    public async Task After_mark_processed_every_instance_answers_already_processed()
    {
        var a = NewClaimer();
        var b = NewClaimer();
        await a.ClaimAsync("m1");

        Assert.True(await a.MarkAsync("m1"));

        Assert.Equal(DeduplicationClaim.AlreadyProcessed, await a.ClaimAsync("m1"));
        Assert.Equal(DeduplicationClaim.AlreadyProcessed, await b.ClaimAsync("m1"));
        Assert.Equal(DeduplicationClaim.AlreadyProcessed, await NewClaimer().ClaimAsync("m1"));
    }

    [Fact]
    public async Task Processed_stays_processed_long_after_any_lease()
    {
        var a = NewClaimer();
        await a.ClaimAsync("m1");
        await a.MarkAsync("m1");

        Time.Advance(TimeSpan.FromHours(12));

        Assert.Equal(DeduplicationClaim.AlreadyProcessed, await NewClaimer().ClaimAsync("m1"));
    }

    [Fact]
    public async Task After_release_the_message_can_be_claimed_again_at_once()
    {
        var a = NewClaimer();
        var b = NewClaimer();
        await a.ClaimAsync("m1");

        await a.ReleaseAsync("m1");

        Assert.Equal(DeduplicationClaim.Claimed, await b.ClaimAsync("m1"));
        Assert.Equal(DeduplicationClaim.ClaimedElsewhere, await a.ClaimAsync("m1"));
    }

    [Fact]
    public async Task Release_never_forgets_a_processed_message()
    {
        var a = NewClaimer();
        await a.ClaimAsync("m1");
        await a.MarkAsync("m1");

        await a.ReleaseAsync("m1");
        await a.ReleaseAsync("never-claimed");

        Assert.Equal(DeduplicationClaim.AlreadyProcessed, await a.ClaimAsync("m1"));
        Assert.Equal(DeduplicationClaim.Claimed, await a.ClaimAsync("never-claimed"));
    }

    [Fact]
    public async Task Another_owner_can_neither_release_nor_renew_nor_mark_a_live_claim()
    {
        var holder = NewClaimer();
        var other = NewClaimer();
        await holder.ClaimAsync("m1");

        await other.ReleaseAsync("m1");
        Assert.False(await other.RenewAsync("m1"));
        Assert.False(await other.MarkAsync("m1"));

        Assert.Equal(DeduplicationClaim.ClaimedElsewhere, await NewClaimer().ClaimAsync("m1"));
        Assert.True(await holder.RenewAsync("m1"));
        Assert.True(await holder.MarkAsync("m1"));
    }

    [Fact]
    public async Task The_same_store_instance_with_another_owner_token_is_another_owner()
    {
        var store = CreateStore();
        var first = new Claimer(store, Guid.NewGuid());
        var second = new Claimer(store, Guid.NewGuid());
        await first.ClaimAsync("m1");

        await second.ReleaseAsync("m1");
        Assert.False(await second.MarkAsync("m1"));

        Assert.Equal(DeduplicationClaim.ClaimedElsewhere, await second.ClaimAsync("m1"));
        Assert.True(await first.MarkAsync("m1"));
    }

    [Fact]
    public async Task After_the_lease_expires_another_instance_claims_the_message()
    {
        var crashed = NewClaimer();
        var survivor = NewClaimer();
        await crashed.ClaimAsync("m1");

        Time.Advance(Lease);

        Assert.Equal(DeduplicationClaim.Claimed, await survivor.ClaimAsync("m1"));
        Assert.Equal(DeduplicationClaim.ClaimedElsewhere, await crashed.ClaimAsync("m1"));

        Assert.True(await survivor.MarkAsync("m1"));
        Assert.Equal(DeduplicationClaim.AlreadyProcessed, await crashed.ClaimAsync("m1"));
    }

    [Fact]
    public async Task An_owner_whose_claim_was_taken_over_cannot_renew_mark_or_release_the_new_claim()
    {
        var old = NewClaimer();
        var taker = NewClaimer();
        await old.ClaimAsync("m1");
        Time.Advance(Lease + TimeSpan.FromSeconds(1));
        Assert.Equal(DeduplicationClaim.Claimed, await taker.ClaimAsync("m1"));

        Assert.False(await old.RenewAsync("m1"));
        Assert.False(await old.MarkAsync("m1"));
        await old.ReleaseAsync("m1");

        // The new claim is untouched: still held (not processed, not released), and still its owner's to renew and mark.
        Assert.Equal(DeduplicationClaim.ClaimedElsewhere, await NewClaimer().ClaimAsync("m1"));
        Assert.True(await taker.RenewAsync("m1"));
        Assert.True(await taker.MarkAsync("m1"));
        Assert.Equal(DeduplicationClaim.AlreadyProcessed, await NewClaimer().ClaimAsync("m1"));
    }

    [Fact]
    public async Task A_renewal_extends_the_lease_from_now()
    {
        var holder = NewClaimer();
        var other = NewClaimer();
        await holder.ClaimAsync("m1");

        // Renewed a third of a lease before it ran out, three times over: never claimable in between.
        for (var round = 0; round < 3; round++)
        {
            Time.Advance(Lease * 2 / 3);
            Assert.True(await holder.RenewAsync("m1"));
            Assert.Equal(DeduplicationClaim.ClaimedElsewhere, await other.ClaimAsync("m1"));
        }

        Time.Advance(Lease - TimeSpan.FromMilliseconds(1));
        Assert.Equal(DeduplicationClaim.ClaimedElsewhere, await other.ClaimAsync("m1"));
        Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(DeduplicationClaim.Claimed, await other.ClaimAsync("m1"));
    }

    [Fact]
    public async Task An_expired_claim_nobody_took_over_is_still_its_owners_to_renew()
    {
        var holder = NewClaimer();
        await holder.ClaimAsync("m1");
        Time.Advance(Lease + TimeSpan.FromSeconds(5));

        Assert.True(await holder.RenewAsync("m1"));

        Assert.Equal(DeduplicationClaim.ClaimedElsewhere, await NewClaimer().ClaimAsync("m1"));
    }

    [Fact]
    public async Task Renewing_a_released_processed_or_unknown_message_answers_false()
    {
        var a = NewClaimer();
        await a.ClaimAsync("released");
        await a.ReleaseAsync("released");
        await a.ClaimAsync("processed");
        await a.MarkAsync("processed");

        Assert.Equal([false, false, false], await a.Store.RenewAsync(Group, ["released", "processed", "unknown"], a.Owner, Lease, default));
        Assert.Equal(DeduplicationClaim.Claimed, await NewClaimer().ClaimAsync("released"));
        Assert.Equal(DeduplicationClaim.AlreadyProcessed, await NewClaimer().ClaimAsync("processed"));
    }

    [Fact]
    public async Task A_taken_over_lease_runs_from_the_new_claim()
    {
        var first = NewClaimer();
        var second = NewClaimer();
        await first.ClaimAsync("m1");
        Time.Advance(Lease + TimeSpan.FromSeconds(5));
        await second.ClaimAsync("m1");

        Time.Advance(Lease - TimeSpan.FromSeconds(1));
        Assert.Equal(DeduplicationClaim.ClaimedElsewhere, await first.ClaimAsync("m1"));

        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(DeduplicationClaim.Claimed, await first.ClaimAsync("m1"));
    }

    [Fact]
    public async Task Mark_processed_without_a_claim_is_recorded()
    {
        var a = NewClaimer();

        Assert.True(await a.MarkAsync("m1"));
        Assert.True(await a.MarkAsync("m1"));
        Assert.True(await NewClaimer().MarkAsync("m1"));

        Assert.Equal(DeduplicationClaim.AlreadyProcessed, await a.ClaimAsync("m1"));
    }

    [Fact]
    public async Task An_expired_claim_of_another_owner_does_not_stop_a_mark()
    {
        // The holder died; the handlers ran elsewhere to the end. Nobody holds a live claim, so the outcome is recorded.
        var dead = NewClaimer();
        var finisher = NewClaimer();
        await dead.ClaimAsync("m1");
        Time.Advance(Lease);

        Assert.True(await finisher.MarkAsync("m1"));

        Assert.Equal(DeduplicationClaim.AlreadyProcessed, await dead.ClaimAsync("m1"));
        Assert.False(await dead.RenewAsync("m1"));
    }

    [Fact]
    public async Task Consumer_groups_are_independent()
    {
        var store = CreateStore();
        var owner = Guid.NewGuid();
        await store.TryClaimAsync("billing", "m1", owner, Lease, default);
        await store.MarkProcessedAsync("billing", "m1", owner, default);
        await store.TryClaimAsync("shipping", "m2", owner, Lease, default);

        Assert.Equal(DeduplicationClaim.Claimed, await store.TryClaimAsync("loyalty", "m1", owner, Lease, default));
        Assert.Equal(DeduplicationClaim.Claimed, await store.TryClaimAsync("loyalty", "m2", owner, Lease, default));
        Assert.Equal(DeduplicationClaim.AlreadyProcessed, await store.TryClaimAsync("billing", "m1", owner, Lease, default));
        Assert.Equal(DeduplicationClaim.ClaimedElsewhere, await store.TryClaimAsync("shipping", "m2", owner, Lease, default));
    }

    [Fact]
    public async Task Message_ids_are_independent_and_compared_exactly()
    {
        var a = NewClaimer();
        await a.ClaimAsync("order-1");
        await a.MarkAsync("order-1");

        Assert.Equal(DeduplicationClaim.Claimed, await a.ClaimAsync("order-2"));
        Assert.Equal(DeduplicationClaim.Claimed, await a.ClaimAsync("ORDER-1"));
        Assert.Equal(DeduplicationClaim.Claimed, await a.ClaimAsync("order-1 "));
    }

    [Fact]
    public async Task Purge_removes_old_processed_entries_only()
    {
        var store = CreateStore();
        var owner = Guid.NewGuid();
        await store.TryClaimAsync(Group, "old", owner, Lease, default);
        await store.MarkProcessedAsync(Group, "old", owner, default);
        await store.MarkProcessedAsync("billing", "old", owner, default);
        await store.TryClaimAsync(Group, "long-running", owner, TimeSpan.FromDays(1), default);

        Time.Advance(TimeSpan.FromHours(2));
        await store.MarkProcessedAsync(Group, "recent", owner, default);
        await store.TryClaimAsync(Group, "in-flight", owner, Lease, default);

        var removed = await store.PurgeAsync(Time.GetUtcNow() - TimeSpan.FromHours(1), default);

        Assert.Equal(2, removed);
        var other = Guid.NewGuid();
        Assert.Equal(DeduplicationClaim.Claimed, await store.TryClaimAsync(Group, "old", other, Lease, default));
        Assert.Equal(DeduplicationClaim.Claimed, await store.TryClaimAsync("billing", "old", other, Lease, default));
        Assert.Equal(DeduplicationClaim.AlreadyProcessed, await store.TryClaimAsync(Group, "recent", other, Lease, default));
        Assert.Equal(DeduplicationClaim.ClaimedElsewhere, await store.TryClaimAsync(Group, "long-running", other, Lease, default));
        Assert.Equal(DeduplicationClaim.ClaimedElsewhere, await store.TryClaimAsync(Group, "in-flight", other, Lease, default));
        Assert.Equal(0, await store.PurgeAsync(Time.GetUtcNow() - TimeSpan.FromHours(1), default));
    }

    [Fact]
    public async Task Purge_takes_the_cutoff_in_any_offset()
    {
        await NewClaimer().MarkAsync("m1");
        Time.Advance(TimeSpan.FromHours(2));

        // One hour ago, written as a local time two hours east of UTC.
        var cutoff = (Time.GetUtcNow() - TimeSpan.FromHours(1)).ToOffset(TimeSpan.FromHours(2));

        Assert.Equal(1, await CreateStore().PurgeAsync(cutoff, default));
    }

    [Fact]
    public async Task Concurrent_claims_on_one_instance_give_exactly_one_claimed()
    {
        var store = CreateStore();

        var results = await ClaimTogetherAsync(Enumerable.Range(0, 24).Select(_ => new Claimer(store, Guid.NewGuid())), "m1");

        Assert.Equal(1, results.Count(r => r == DeduplicationClaim.Claimed));
        Assert.Equal(23, results.Count(r => r == DeduplicationClaim.ClaimedElsewhere));
    }

    [Fact]
    public async Task Concurrent_claims_from_two_instances_give_exactly_one_claimed_per_message()
    {
        var first = CreateStore();
        var second = CreateStore();
        var claimers = Enumerable.Range(0, 12).Select(i => new Claimer(i % 2 == 0 ? first : second, Guid.NewGuid())).ToArray();

        for (var message = 0; message < 10; message++)
        {
            var results = await ClaimTogetherAsync(claimers, $"m{message}");

            Assert.Equal(1, results.Count(r => r == DeduplicationClaim.Claimed));
        }
    }

    [Fact]
    public async Task Concurrent_takeovers_of_an_expired_lease_give_exactly_one_claimed()
    {
        var first = CreateStore();
        var second = CreateStore();
        await new Claimer(first, Guid.NewGuid()).ClaimAsync("m1");
        Time.Advance(Lease + TimeSpan.FromSeconds(1));

        var results = await ClaimTogetherAsync(Enumerable.Range(0, 12).Select(i => new Claimer(i % 2 == 0 ? first : second, Guid.NewGuid())), "m1");

        Assert.Equal(1, results.Count(r => r == DeduplicationClaim.Claimed));
    }

    [Fact]
    public async Task Concurrent_duplicates_of_a_processed_message_are_all_already_processed()
    {
        var first = CreateStore();
        var second = CreateStore();
        await new Claimer(first, Guid.NewGuid()).MarkAsync("m1");

        var results = await ClaimTogetherAsync(Enumerable.Range(0, 12).Select(i => new Claimer(i % 2 == 0 ? first : second, Guid.NewGuid())), "m1");

        Assert.All(results, r => Assert.Equal(DeduplicationClaim.AlreadyProcessed, r));
    }

    [Fact]
    public async Task A_cancelled_token_cancels_every_call()
    {
        var store = CreateStore();
        var owner = Guid.NewGuid();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.TryClaimAsync(Group, "m1", owner, Lease, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.RenewAsync(Group, "m1", owner, Lease, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.MarkProcessedAsync(Group, "m1", owner, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.ReleaseAsync(Group, "m1", owner, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.PurgeAsync(Time.GetUtcNow(), cancelled.Token));
        Assert.Equal(DeduplicationClaim.Claimed, await store.TryClaimAsync(Group, "m1", owner, Lease, default));
    }

    [Fact]
    public async Task Bad_arguments_are_refused_before_anything_is_written()
    {
        var store = CreateStore();
        var owner = Guid.NewGuid();

        await Assert.ThrowsAsync<ArgumentException>(() => store.TryClaimAsync("", "m1", owner, Lease, default));
        await Assert.ThrowsAsync<ArgumentNullException>(() => store.TryClaimAsync(Group, (string)null!, owner, Lease, default));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.TryClaimAsync(Group, "m1", owner, TimeSpan.Zero, default));
        await Assert.ThrowsAsync<ArgumentException>(() => store.TryClaimAsync(Group, "m1", Guid.Empty, Lease, default));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.RenewAsync(Group, "m1", owner, TimeSpan.Zero, default));
        await Assert.ThrowsAsync<ArgumentException>(() => store.RenewAsync(Group, "m1", Guid.Empty, Lease, default));
        await Assert.ThrowsAsync<ArgumentException>(() => store.MarkProcessedAsync(Group, "", owner, default));
        await Assert.ThrowsAsync<ArgumentException>(() => store.MarkProcessedAsync(Group, "m1", Guid.Empty, default));
        await Assert.ThrowsAsync<ArgumentException>(() => store.ReleaseAsync("", "m1", owner, default));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.TryClaimAsync(Group, ["m2", ""], owner, Lease, default));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.TryClaimAsync(Group, (IReadOnlyList<string>)null!, owner, Lease, default));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.MarkProcessedAsync("", ["m2"], owner, default));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.ReleaseAsync(Group, [null!], owner, default));

        // The refused batch claimed nothing, not even its good ID.
        Assert.Equal(DeduplicationClaim.Claimed, await store.TryClaimAsync(Group, "m2", Guid.NewGuid(), Lease, default));
    }

    [Fact]
    public async Task A_batch_claim_answers_each_id_in_order()
    {
        var a = NewClaimer();
        var b = NewClaimer();
        await b.MarkAsync("done");
        await b.ClaimAsync("held");

        var claims = await a.Store.TryClaimAsync(Group, ["new2", "done", "held", "new1"], a.Owner, Lease, default);

        Assert.Equal([DeduplicationClaim.Claimed, DeduplicationClaim.AlreadyProcessed, DeduplicationClaim.ClaimedElsewhere, DeduplicationClaim.Claimed], claims);
        Assert.Equal(DeduplicationClaim.ClaimedElsewhere, await b.ClaimAsync("new1"));
        Assert.Equal(DeduplicationClaim.ClaimedElsewhere, await b.ClaimAsync("new2"));
        Assert.Empty(await a.Store.TryClaimAsync(Group, [], a.Owner, Lease, default));
    }

    [Fact]
    public async Task A_batch_claim_gives_an_id_given_twice_to_its_first_occurrence_only()
    {
        var a = NewClaimer();

        var claims = await a.Store.TryClaimAsync(Group, ["b", "a", "b", "a"], a.Owner, Lease, default);

        Assert.Equal([DeduplicationClaim.Claimed, DeduplicationClaim.Claimed, DeduplicationClaim.ClaimedElsewhere, DeduplicationClaim.ClaimedElsewhere], claims);
    }

    [Fact]
    public async Task A_batch_claim_takes_over_expired_leases()
    {
        var a = NewClaimer();
        var b = NewClaimer();
        await a.Store.TryClaimAsync(Group, ["m1", "m2"], a.Owner, Lease, default);
        Time.Advance(Lease + TimeSpan.FromSeconds(1));

        Assert.Equal([DeduplicationClaim.Claimed, DeduplicationClaim.Claimed], await b.Store.TryClaimAsync(Group, ["m2", "m1"], b.Owner, Lease, default));
        Assert.Equal(DeduplicationClaim.ClaimedElsewhere, await a.ClaimAsync("m1"));
        Assert.Equal([false, false], await a.Store.MarkProcessedAsync(Group, ["m1", "m2"], a.Owner, default));
    }

    [Fact]
    public async Task Batch_renew_mark_and_release_act_on_each_id_and_answer_in_order()
    {
        var a = NewClaimer();
        var b = NewClaimer();
        await a.Store.TryClaimAsync(Group, ["m1", "m2", "m3", "m4"], a.Owner, Lease, default);
        await b.ClaimAsync("theirs");

        Assert.Equal([true, false, true], await a.Store.RenewAsync(Group, ["m4", "theirs", "m1"], a.Owner, Lease, default));
        Assert.Equal([true, true, false, true], await a.Store.MarkProcessedAsync(Group, ["m3", "m1", "theirs", "unclaimed"], a.Owner, default));
        await a.Store.ReleaseAsync(Group, ["m2", "m4", "m1", "theirs"], a.Owner, default);

        Assert.Equal(
            [DeduplicationClaim.AlreadyProcessed, DeduplicationClaim.Claimed, DeduplicationClaim.AlreadyProcessed, DeduplicationClaim.Claimed, DeduplicationClaim.AlreadyProcessed, DeduplicationClaim.ClaimedElsewhere],
            await NewClaimer().Store.TryClaimAsync(Group, ["m1", "m2", "m3", "m4", "unclaimed", "theirs"], Guid.NewGuid(), Lease, default));
        Assert.Empty(await a.Store.MarkProcessedAsync(Group, [], a.Owner, default));
        Assert.Empty(await a.Store.RenewAsync(Group, [], a.Owner, Lease, default));
        await a.Store.ReleaseAsync(Group, [], a.Owner, default);
    }

    [Fact]
    public async Task Concurrent_batch_claims_from_two_instances_give_exactly_one_claimed_per_message()
    {
        var first = CreateStore();
        var second = CreateStore();
        var ids = Enumerable.Range(0, 40).Select(i => $"m{i}").ToArray();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var claims = Enumerable.Range(0, 6)
            .Select(i => Task.Run(async () =>
            {
                await start.Task;

                // Overlapping batches in opposite orders, the way duplicates on two partitions arrive.
                var batch = i % 2 == 0 ? ids : ids.Reverse().ToArray();
                var answers = await (i % 2 == 0 ? first : second).TryClaimAsync(Group, batch, Guid.NewGuid(), Lease, default);
                return batch.Zip(answers).ToArray();
            }))
            .ToArray();
        start.SetResult();
        var results = (await Task.WhenAll(claims)).SelectMany(r => r).ToArray();

        foreach (var id in ids)
        {
            Assert.Equal(1, results.Count(r => r.First == id && r.Second == DeduplicationClaim.Claimed));
        }
    }

    /// <summary>Starts one claim per claimer at the same moment, on the thread pool, and collects the answers.</summary>
    protected static async Task<DeduplicationClaim[]> ClaimTogetherAsync(IEnumerable<Claimer> claimers, string messageId)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var claims = claimers
            .Select(claimer => Task.Run(async () =>
            {
                await start.Task;
                return await claimer.ClaimAsync(messageId);
            }))
            .ToArray();
        start.SetResult();
        return await Task.WhenAll(claims);
    }

    /// <summary>One claimant: a store instance and the owner token its claims carry.</summary>
    protected sealed record Claimer(IDeduplicationStore Store, Guid Owner)
    {
        public Task<DeduplicationClaim> ClaimAsync(string messageId) => Store.TryClaimAsync(Group, messageId, Owner, Lease, default);

        public Task<bool> RenewAsync(string messageId) => Store.RenewAsync(Group, messageId, Owner, Lease, default);

        public Task<bool> MarkAsync(string messageId) => Store.MarkProcessedAsync(Group, messageId, Owner, default);

        public Task ReleaseAsync(string messageId) => Store.ReleaseAsync(Group, messageId, Owner, default);
    }
}
