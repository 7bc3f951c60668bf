using Xunit;

namespace MessageContracts.Stores.Tests;

public sealed class InMemoryDeduplicationStoreTests : DeduplicationStoreContract
{
    private static readonly Guid Owner = Guid.NewGuid();

    private InMemoryDeduplicationStore? store;

    // One process, one store: "another instance" is the same one, which is all the in-memory store can model.
    protected override IDeduplicationStore CreateStore() => store ??= new InMemoryDeduplicationStore(Time);

    [Fact]
    public async Task When_full_the_oldest_entry_is_evicted_first()
    {
        var bounded = new InMemoryDeduplicationStore(maxEntries: 3, window: TimeSpan.FromDays(1), Time);
        foreach (var id in new[] { "m1", "m2", "m3" })
        {
            await bounded.TryClaimAsync(Group, id, Owner, Lease, default);
            await bounded.MarkProcessedAsync(Group, id, Owner, default);
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        await bounded.MarkProcessedAsync(Group, "m4", Owner, default);

        Assert.Equal(3, bounded.Count);
        Assert.Equal(DeduplicationClaim.AlreadyProcessed, await bounded.TryClaimAsync(Group, "m2", Owner, Lease, default));
        Assert.Equal(DeduplicationClaim.AlreadyProcessed, await bounded.TryClaimAsync(Group, "m3", Owner, Lease, default));
        Assert.Equal(DeduplicationClaim.AlreadyProcessed, await bounded.TryClaimAsync(Group, "m4", Owner, Lease, default));

        // m1 was forgotten, so it is claimed as new, and that claim evicts the next oldest, m2.
        Assert.Equal(DeduplicationClaim.Claimed, await bounded.TryClaimAsync(Group, "m1", Owner, Lease, default));
        Assert.Equal(DeduplicationClaim.Claimed, await bounded.TryClaimAsync(Group, "m2", Owner, Lease, default));
    }

    [Fact]
    public async Task Age_counts_from_the_last_change_so_a_processed_claim_moves_to_the_back()
    {
        var bounded = new InMemoryDeduplicationStore(maxEntries: 2, window: TimeSpan.FromDays(1), Time);
        await bounded.TryClaimAsync(Group, "m1", Owner, Lease, default);
        await bounded.TryClaimAsync(Group, "m2", Owner, Lease, default);
        await bounded.MarkProcessedAsync(Group, "m1", Owner, default);

        await bounded.TryClaimAsync(Group, "m3", Owner, Lease, default);

        Assert.Equal(DeduplicationClaim.AlreadyProcessed, await bounded.TryClaimAsync(Group, "m1", Owner, Lease, default));
        Assert.Equal(DeduplicationClaim.ClaimedElsewhere, await bounded.TryClaimAsync(Group, "m3", Owner, Lease, default));
        Assert.Equal(DeduplicationClaim.Claimed, await bounded.TryClaimAsync(Group, "m2", Owner, Lease, default));
    }

    [Fact]
    public async Task Entries_older_than_the_window_are_forgotten()
    {
        var windowed = new InMemoryDeduplicationStore(maxEntries: 100, window: TimeSpan.FromMinutes(10), Time);
        await windowed.MarkProcessedAsync(Group, "m1", Owner, default);
        Time.Advance(TimeSpan.FromMinutes(5));
        await windowed.MarkProcessedAsync(Group, "m2", Owner, default);

        Time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));
        Assert.Equal(2, windowed.Count);
        Assert.Equal(DeduplicationClaim.AlreadyProcessed, await windowed.TryClaimAsync(Group, "m1", Owner, Lease, default));

        Time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(1, windowed.Count);
        Assert.Equal(DeduplicationClaim.Claimed, await windowed.TryClaimAsync(Group, "m1", Owner, Lease, default));
        Assert.Equal(DeduplicationClaim.AlreadyProcessed, await windowed.TryClaimAsync(Group, "m2", Owner, Lease, default));
    }

    [Fact]
    public async Task Many_threads_hammering_a_small_store_keep_it_within_bounds()
    {
        var bounded = new InMemoryDeduplicationStore(maxEntries: 50, window: TimeSpan.FromDays(1), Time);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; i < 500; i++)
            {
                var id = $"w{worker}-m{i}";
                if (await bounded.TryClaimAsync(Group, id, Owner, Lease, default) == DeduplicationClaim.Claimed)
                {
                    await (i % 3 == 0 ? bounded.ReleaseAsync(Group, id, Owner, default) : bounded.MarkProcessedAsync(Group, id, Owner, default));
                }
            }
        })));

        Assert.InRange(bounded.Count, 1, 50);
    }

    [Fact]
    public void The_defaults_and_bad_bounds()
    {
        var defaults = new InMemoryDeduplicationStore();

        Assert.Equal(InMemoryDeduplicationStore.DefaultMaxEntries, defaults.MaxEntries);
        Assert.Equal(InMemoryDeduplicationStore.DefaultWindow, defaults.Window);
        Assert.Throws<ArgumentOutOfRangeException>(() => new InMemoryDeduplicationStore(0, TimeSpan.FromMinutes(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new InMemoryDeduplicationStore(10, TimeSpan.Zero));
    }
}
