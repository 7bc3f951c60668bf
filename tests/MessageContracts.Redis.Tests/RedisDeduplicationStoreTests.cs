using MessageContracts.Stores.Tests;
using StackExchange.Redis;
using Xunit;

namespace MessageContracts.Redis.Tests;

/// <summary>
/// The shared deduplication store contract on <see cref="RedisDeduplicationStore"/>, each test under a key prefix of its
/// own. The first instance shares the fixture's connection; the others have their own, as other processes would.
/// </summary>
public sealed class RedisDeduplicationStoreTests(RedisServer server) : DeduplicationStoreContract, IClassFixture<RedisServer>
{
    private static readonly Guid Owner = Guid.NewGuid();

    private readonly string prefix = server.Prefix + Guid.NewGuid().ToString("N")[..8] + ":";
    private readonly List<IConnectionMultiplexer> connections = [];
    private int instances;

    protected override IDeduplicationStore CreateStore()
    {
        var options = new RedisDeduplicationStoreOptions { KeyPrefix = prefix, TimeProvider = Time };
        if (instances++ == 0)
        {
            return new RedisDeduplicationStore(server.Connection, options);
        }

        var connection = RedisServer.ConnectAsync(RedisServer.Configuration).GetAwaiter().GetResult();
        connections.Add(connection);
        return new RedisDeduplicationStore(connection, options);
    }

    public override async Task DisposeAsync()
    {
        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_claim_is_a_key_with_an_expiry_and_a_mark_is_a_key_without_one_listed_for_the_purge()
    {
        var store = CreateStore();
        await store.TryClaimAsync(Group, "claimed", Owner, Lease, default);
        await store.MarkProcessedAsync(Group, "processed", Owner, default);

        var claimKey = prefix + Group.Length + ":" + Group + ":claimed";
        var markKey = prefix + Group.Length + ":" + Group + ":processed";
        Assert.StartsWith("c|" + Owner.ToString("N") + "|", (string?)await server.Database.StringGetAsync(claimKey));
        var expiry = await server.Database.KeyTimeToLiveAsync(claimKey);
        Assert.NotNull(expiry);
        Assert.InRange(expiry.Value, Lease, Lease + new RedisDeduplicationStoreOptions().AbandonedClaimExpiry);
        Assert.Equal("p|" + Time.GetUtcNow().ToUnixTimeMilliseconds(), (string?)await server.Database.StringGetAsync(markKey));
        Assert.Null(await server.Database.KeyTimeToLiveAsync(markKey));
        Assert.Equal(Time.GetUtcNow().ToUnixTimeMilliseconds(), await server.Database.SortedSetScoreAsync(prefix + "processed", markKey));
    }

    [Fact]
    public async Task A_group_and_id_pair_never_spells_another_pairs_key()
    {
        var store = CreateStore();
        await store.MarkProcessedAsync("a:b", "c", Owner, default);

        Assert.Equal(DeduplicationClaim.Claimed, await store.TryClaimAsync("a", "b:c", Owner, Lease, default));
    }

    [Fact]
    public async Task A_hostile_ten_thousand_character_id_is_stored_like_any_other()
    {
        var store = CreateStore();
        var hostile = new string('x', 10_000);

        Assert.Equal(DeduplicationClaim.Claimed, await store.TryClaimAsync(Group, hostile, Owner, Lease, default));
        Assert.True(await store.MarkProcessedAsync(Group, hostile, Owner, default));
        Assert.Equal(DeduplicationClaim.AlreadyProcessed, await CreateStore().TryClaimAsync(Group, hostile, Guid.NewGuid(), Lease, default));
    }

    [Fact]
    public async Task A_store_on_an_unreachable_server_throws_instead_of_claiming()
    {
        await using var store = new RedisDeduplicationStore("127.0.0.1:1,connectTimeout=500,syncTimeout=1000,asyncTimeout=1000");

        await Assert.ThrowsAnyAsync<RedisException>(() => store.TryClaimAsync(Group, "m1", Owner, Lease, default));
    }
}
