using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace MessageContracts.Stores.Tests;

/// <summary>
/// What every <see cref="IDeduplicationStore"/> must do, run once per store kind by a subclass. xunit makes a new
/// instance per test, so each test gets a database of its own.
/// </summary>
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

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_first_claim_is_claimed()
    {
        var store = CreateStore();

        Assert.Equal(DeduplicationClaim.Claimed, await store.TryClaimAsync(Group, "m1", Lease, default));
    }

    [Fact]
    public async Task A_second_claim_while_the_lease_runs_is_claimed_elsewhere()
    {
        var first = CreateStore();
        var second = CreateStore();
        await first.TryClaimAsync(Group, "m1", Lease, default);

        Assert.Equal(DeduplicationClaim.ClaimedElsewhere, await first.TryClaimAsync(Group, "m1", Lease, default));
        Assert.Equal(DeduplicationClaim.ClaimedElsewhere, await second.TryClaimAsync(Group, "m1", Lease, default));

        Time.Advance(Lease - TimeSpan.FromMilliseconds(1));
        Assert.Equal(DeduplicationClaim.ClaimedElsewhere, await second.TryClaimAsync(Group, "m1", Lease, default));
    }

    [Fact]
    public async Task After_mark_processed_every_instance_answers_already_processed()
    {
        var first = CreateStore();
        var second = CreateStore();
        await first.TryClaimAsync(Group, "m1", Lease, default);

        await first.MarkProcessedAsync(Group, "m1", default);

        Assert.Equal(DeduplicationClaim.AlreadyProcessed, await first.TryClaimAsync(Group, "m1", Lease, default));
        Assert.Equal(DeduplicationClaim.AlreadyProcessed, await second.TryClaimAsync(Group, "m1", Lease, default));
        Assert.Equal(DeduplicationClaim.AlreadyProcessed, await CreateStore().TryClaimAsync(Group, "m1", Lease, default));
    }

    [Fact]
    public async Task Processed_stays_processed_long_after_any_lease()
    {
        var store = CreateStore();
        await store.TryClaimAsync(Group, "m1", Lease, default);
        await store.MarkProcessedAsync(Group, "m1", default);

        Time.Advance(TimeSpan.FromHours(12));

        Assert.Equal(DeduplicationClaim.AlreadyProcessed, await CreateStore().TryClaimAsync(Group, "m1", Lease, default));
    }

    [Fact]
    public async Task After_release_the_message_can_be_claimed_again_at_once()
    {
        var first = CreateStore();
        var second = CreateStore();
        await first.TryClaimAsync(Group, "m1", Lease, default);

        await first.ReleaseAsync(Group, "m1", default);

        Assert.Equal(DeduplicationClaim.Claimed, await second.TryClaimAsync(Group, "m1", Lease, default));
        Assert.Equal(DeduplicationClaim.ClaimedElsewhere, await first.TryClaimAsync(Group, "m1", Lease, default));
    }

    [Fact]
    public async Task Release_never_forgets_a_processed_message()
    {
        var store = CreateStore();
        await store.TryClaimAsync(Group, "m1", Lease, default);
        await store.MarkProcessedAsync(Group, "m1", default);

        await store.ReleaseAsync(Group, "m1", default);
        await store.ReleaseAsync(Group, "never-claimed", default);

        Assert.Equal(DeduplicationClaim.AlreadyProcessed, await store.TryClaimAsync(Group, "m1", Lease, default));
        Assert.Equal(DeduplicationClaim.Claimed, await store.TryClaimAsync(Group, "never-claimed", Lease, default));
    }

    [Fact]
    public async Task After_the_lease_expires_another_instance_claims_the_message()
    {
        var crashed = CreateStore();
        var survivor = CreateStore();
        await crashed.TryClaimAsync(Group, "m1", Lease, default);

        Time.Advance(Lease);

        Assert.Equal(DeduplicationClaim.Claimed, await survivor.TryClaimAsync(Group, "m1", Lease, default));
        Assert.Equal(DeduplicationClaim.ClaimedElsewhere, await crashed.TryClaimAsync(Group, "m1", Lease, default));

        await survivor.MarkProcessedAsync(Group, "m1", default);
        Assert.Equal(DeduplicationClaim.AlreadyProcessed, await crashed.TryClaimAsync(Group, "m1", Lease, default));
    }

    [Fact]
    public async Task A_taken_over_lease_runs_from_the_new_claim()
    {
        var first = CreateStore();
        var second = CreateStore();
        await first.TryClaimAsync(Group, "m1", Lease, default);
        Time.Advance(Lease + TimeSpan.FromSeconds(5));
        await second.TryClaimAsync(Group, "m1", Lease, default);

        Time.Advance(Lease - TimeSpan.FromSeconds(1));
        Assert.Equal(DeduplicationClaim.ClaimedElsewhere, await first.TryClaimAsync(Group, "m1", Lease, default));

        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(DeduplicationClaim.Claimed, await first.TryClaimAsync(Group, "m1", Lease, default));
    }

    [Fact]
    public async Task Mark_processed_without_a_claim_is_recorded()
    {
        var store = CreateStore();

        await store.MarkProcessedAsync(Group, "m1", default);
        await store.MarkProcessedAsync(Group, "m1", default);

        Assert.Equal(DeduplicationClaim.AlreadyProcessed, await store.TryClaimAsync(Group, "m1", Lease, default));
    }

    [Fact]
    public async Task Consumer_groups_are_independent()
    {
        var store = CreateStore();
        await store.TryClaimAsync("billing", "m1", Lease, default);
        await store.MarkProcessedAsync("billing", "m1", default);
        await store.TryClaimAsync("shipping", "m2", Lease, default);

        Assert.Equal(DeduplicationClaim.Claimed, await store.TryClaimAsync("loyalty", "m1", Lease, default));
        Assert.Equal(DeduplicationClaim.Claimed, await store.TryClaimAsync("loyalty", "m2", Lease, default));
        Assert.Equal(DeduplicationClaim.AlreadyProcessed, await store.TryClaimAsync("billing", "m1", Lease, default));
        Assert.Equal(DeduplicationClaim.ClaimedElsewhere, await store.TryClaimAsync("shipping", "m2", Lease, default));
    }

    [Fact]
    public async Task Message_ids_are_independent_and_compared_exactly()
    {
        var store = CreateStore();
        await store.TryClaimAsync(Group, "order-1", Lease, default);
        await store.MarkProcessedAsync(Group, "order-1", default);

        Assert.Equal(DeduplicationClaim.Claimed, await store.TryClaimAsync(Group, "order-2", Lease, default));
        Assert.Equal(DeduplicationClaim.Claimed, await store.TryClaimAsync(Group, "ORDER-1", Lease, default));
        Assert.Equal(DeduplicationClaim.Claimed, await store.TryClaimAsync(Group, "order-1 ", Lease, default));
    }

    [Fact]
    public async Task Purge_removes_old_processed_entries_only()
    {
        var store = CreateStore();
        await store.TryClaimAsync(Group, "old", Lease, default);
        await store.MarkProcessedAsync(Group, "old", default);
        await store.MarkProcessedAsync("billing", "old", default);
        await store.TryClaimAsync(Group, "long-running", TimeSpan.FromDays(1), default);

        Time.Advance(TimeSpan.FromHours(2));
        await store.MarkProcessedAsync(Group, "recent", default);
        await store.TryClaimAsync(Group, "in-flight", Lease, default);

        var removed = await store.PurgeAsync(Time.GetUtcNow() - TimeSpan.FromHours(1), default);

        Assert.Equal(2, removed);
        Assert.Equal(DeduplicationClaim.Claimed, await store.TryClaimAsync(Group, "old", Lease, default));
        Assert.Equal(DeduplicationClaim.Claimed, await store.TryClaimAsync("billing", "old", Lease, default));
        Assert.Equal(DeduplicationClaim.AlreadyProcessed, await store.TryClaimAsync(Group, "recent", Lease, default));
        Assert.Equal(DeduplicationClaim.ClaimedElsewhere, await store.TryClaimAsync(Group, "long-running", Lease, default));
        Assert.Equal(DeduplicationClaim.ClaimedElsewhere, await store.TryClaimAsync(Group, "in-flight", Lease, default));
        Assert.Equal(0, await store.PurgeAsync(Time.GetUtcNow() - TimeSpan.FromHours(1), default));
    }

    [Fact]
    public async Task Purge_takes_the_cutoff_in_any_offset()
    {
        var store = CreateStore();
        await store.MarkProcessedAsync(Group, "m1", default);
        Time.Advance(TimeSpan.FromHours(2));

        // One hour ago, written as a local time two hours east of UTC.
        var cutoff = (Time.GetUtcNow() - TimeSpan.FromHours(1)).ToOffset(TimeSpan.FromHours(2));

        Assert.Equal(1, await store.PurgeAsync(cutoff, default));
    }

    [Fact]
    public async Task Concurrent_claims_on_one_instance_give_exactly_one_claimed()
    {
        var store = CreateStore();

        var results = await ClaimTogetherAsync(Enumerable.Repeat(store, 24), "m1");

        Assert.Equal(1, results.Count(r => r == DeduplicationClaim.Claimed));
        Assert.Equal(23, results.Count(r => r == DeduplicationClaim.ClaimedElsewhere));
    }

    [Fact]
    public async Task Concurrent_claims_from_two_instances_give_exactly_one_claimed_per_message()
    {
        var first = CreateStore();
        var second = CreateStore();
        var claimers = Enumerable.Range(0, 12).Select(i => i % 2 == 0 ? first : second).ToArray();

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
        await first.TryClaimAsync(Group, "m1", Lease, default);
        Time.Advance(Lease + TimeSpan.FromSeconds(1));

        var results = await ClaimTogetherAsync(Enumerable.Range(0, 12).Select(i => i % 2 == 0 ? first : second), "m1");

        Assert.Equal(1, results.Count(r => r == DeduplicationClaim.Claimed));
    }

    [Fact]
    public async Task Concurrent_duplicates_of_a_processed_message_are_all_already_processed()
    {
        var first = CreateStore();
        var second = CreateStore();
        await first.MarkProcessedAsync(Group, "m1", default);

        var results = await ClaimTogetherAsync(Enumerable.Range(0, 12).Select(i => i % 2 == 0 ? first : second), "m1");

        Assert.All(results, r => Assert.Equal(DeduplicationClaim.AlreadyProcessed, r));
    }

    [Fact]
    public async Task A_cancelled_token_cancels_every_call()
    {
        var store = CreateStore();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.TryClaimAsync(Group, "m1", Lease, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.MarkProcessedAsync(Group, "m1", cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.ReleaseAsync(Group, "m1", cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.PurgeAsync(Time.GetUtcNow(), cancelled.Token));
        Assert.Equal(DeduplicationClaim.Claimed, await store.TryClaimAsync(Group, "m1", Lease, default));
    }

    [Fact]
    public async Task Bad_arguments_are_refused()
    {
        var store = CreateStore();

        await Assert.ThrowsAsync<ArgumentException>(() => store.TryClaimAsync("", "m1", Lease, default));
        await Assert.ThrowsAsync<ArgumentNullException>(() => store.TryClaimAsync(Group, null!, Lease, default));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.TryClaimAsync(Group, "m1", TimeSpan.Zero, default));
        await Assert.ThrowsAsync<ArgumentException>(() => store.MarkProcessedAsync(Group, "", default));
        await Assert.ThrowsAsync<ArgumentException>(() => store.ReleaseAsync("", "m1", default));
    }

    [Fact]
    public async Task A_batch_claim_answers_each_id_in_order()
    {
        var first = CreateStore();
        var second = CreateStore();
        await second.MarkProcessedAsync(Group, "done", default);
        await second.TryClaimAsync(Group, "held", Lease, default);

        var claims = await first.TryClaimManyAsync(Group, ["new2", "done", "held", "new1"], Lease, default);

        Assert.Equal([DeduplicationClaim.Claimed, DeduplicationClaim.AlreadyProcessed, DeduplicationClaim.ClaimedElsewhere, DeduplicationClaim.Claimed], claims);
        Assert.Equal(DeduplicationClaim.ClaimedElsewhere, await second.TryClaimAsync(Group, "new1", Lease, default));
        Assert.Equal(DeduplicationClaim.ClaimedElsewhere, await second.TryClaimAsync(Group, "new2", Lease, default));
        Assert.Empty(await first.TryClaimManyAsync(Group, [], Lease, default));
    }

    [Fact]
    public async Task A_batch_claim_gives_an_id_given_twice_to_its_first_occurrence_only()
    {
        var store = CreateStore();

        var claims = await store.TryClaimManyAsync(Group, ["b", "a", "b", "a"], Lease, default);

        Assert.Equal([DeduplicationClaim.Claimed, DeduplicationClaim.Claimed, DeduplicationClaim.ClaimedElsewhere, DeduplicationClaim.ClaimedElsewhere], claims);
    }

    [Fact]
    public async Task A_batch_claim_takes_over_expired_leases()
    {
        var first = CreateStore();
        var second = CreateStore();
        await first.TryClaimManyAsync(Group, ["m1", "m2"], Lease, default);
        Time.Advance(Lease + TimeSpan.FromSeconds(1));

        Assert.Equal([DeduplicationClaim.Claimed, DeduplicationClaim.Claimed], await second.TryClaimManyAsync(Group, ["m2", "m1"], Lease, default));
        Assert.Equal(DeduplicationClaim.ClaimedElsewhere, await first.TryClaimAsync(Group, "m1", Lease, default));
    }

    [Fact]
    public async Task Batch_mark_and_release_act_on_every_id()
    {
        var first = CreateStore();
        var second = CreateStore();
        await first.TryClaimManyAsync(Group, ["m1", "m2", "m3", "m4"], Lease, default);

        await first.MarkProcessedManyAsync(Group, ["m3", "m1", "unclaimed"], default);
        await first.ReleaseManyAsync(Group, ["m2", "m4", "m1"], default);

        Assert.Equal(
            [DeduplicationClaim.AlreadyProcessed, DeduplicationClaim.Claimed, DeduplicationClaim.AlreadyProcessed, DeduplicationClaim.Claimed, DeduplicationClaim.AlreadyProcessed],
            await second.TryClaimManyAsync(Group, ["m1", "m2", "m3", "m4", "unclaimed"], Lease, default));
        await first.MarkProcessedManyAsync(Group, [], default);
        await first.ReleaseManyAsync(Group, [], default);
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
                var answers = await (i % 2 == 0 ? first : second).TryClaimManyAsync(Group, batch, Lease, default);
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

    [Fact]
    public async Task Batch_calls_refuse_bad_arguments_and_cancelled_tokens()
    {
        var store = CreateStore();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.TryClaimManyAsync(Group, ["m1", ""], Lease, default));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.TryClaimManyAsync(Group, null!, Lease, default));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.MarkProcessedManyAsync("", ["m1"], default));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.ReleaseManyAsync(Group, [null!], default));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.TryClaimManyAsync(Group, ["m1"], Lease, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.MarkProcessedManyAsync(Group, ["m1"], cancelled.Token));
        Assert.Equal(DeduplicationClaim.Claimed, await store.TryClaimAsync(Group, "m1", Lease, default));
    }

    /// <summary>Starts one claim per store at the same moment, on the thread pool, and collects the answers.</summary>
    protected static async Task<DeduplicationClaim[]> ClaimTogetherAsync(IEnumerable<IDeduplicationStore> stores, string messageId)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var claims = stores
            .Select(store => Task.Run(async () =>
            {
                await start.Task;
                return await store.TryClaimAsync(Group, messageId, Lease, default);
            }))
            .ToArray();
        start.SetResult();
        return await Task.WhenAll(claims);
    }
}
