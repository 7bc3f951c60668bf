using MessageContracts.Redis.Tests.Support;
using Xunit;

namespace MessageContracts.Redis.Tests;

/// <summary>The transport's settings: defaults, checks at UseRedis and at start, and the entry ID as a position.</summary>
public sealed class RedisTransportOptionsTests(RedisServer server) : IClassFixture<RedisServer>
{
    [Fact]
    public void UseRedis_sets_the_dead_letter_suffix_unless_the_application_chose_one()
    {
        var defaults = new MessageContractsOptions().UseRedis("localhost:6379");
        var chosen = new MessageContractsOptions { DeadLetterTopicSuffix = ".dlq" }.UseRedis("localhost:6379");

        Assert.Equal(":dead-letter", defaults.DeadLetterTopicSuffix);
        Assert.Equal(".dlq", chosen.DeadLetterTopicSuffix);
        Assert.Equal("redis", defaults.Transport!.Name);
    }

    [Fact]
    public void Bad_settings_fail_at_UseRedis_naming_each_one()
    {
        var exception = Assert.Throws<ArgumentException>(() => new MessageContractsOptions().UseRedis("localhost:6379", redis =>
        {
            redis.ReadBatchSize = 0;
            redis.MaxDeliveries = 0;
            redis.CommandGroup = "";
        }));

        Assert.Contains("ReadBatchSize is 0", exception.Message);
        Assert.Contains("MaxDeliveries is 0", exception.Message);
        Assert.Contains("CommandGroup is empty", exception.Message);
    }

    [Fact]
    public async Task A_reclaim_idle_time_within_the_deduplication_lease_fails_the_start()
    {
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => RedisHost.StartAsync(
            server,
            server.Prefix + "lease:",
            "couriers",
            options => options.DeduplicationLease = TimeSpan.FromMinutes(2),
            redis => redis.ReclaimMinIdleTime = TimeSpan.FromMinutes(1)));

        Assert.Contains("ReclaimMinIdleTime (00:01:00) must exceed MessageContractsOptions.DeduplicationLease (00:02:00)", exception.Message);
    }

    [Fact]
    public void Retention_is_per_contract_with_a_default()
    {
        var options = new RedisTransportOptions().SetRetention<ParcelScanned>(RedisStreamRetention.Age(TimeSpan.FromHours(6)));

        Assert.Equal("MINID ~ now-06:00:00", options.RetentionFor("redis-tests.parcel-scanned").ToString());
        Assert.Equal("MAXLEN ~ 1000000", options.RetentionFor("redis-tests.deliver-parcel").ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => RedisStreamRetention.Entries(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => RedisStreamRetention.Age(TimeSpan.Zero));
    }

    [Theory]
    [InlineData("1733550000000-5", 7271035699200000005L)]
    [InlineData("0-0", 0L)]
    [InlineData("1-4194303", 8388607L)]
    public void An_entry_id_is_a_position_that_reads_back(string id, long position)
    {
        Assert.Equal(position, RedisStreamIds.ToPosition(id));
        Assert.Equal(id, RedisStreamIds.FromPosition(position));
    }

    [Fact]
    public void Positions_are_ordered_like_entry_ids()
    {
        Assert.True(RedisStreamIds.ToPosition("1733550000000-9") < RedisStreamIds.ToPosition("1733550000000-10"));
        Assert.True(RedisStreamIds.ToPosition("1733550000000-4194303") < RedisStreamIds.ToPosition("1733550000001-0"));
        Assert.Equal(-1, RedisStreamIds.ToPosition("not-an-id"));
    }
}
