namespace MessageContracts.Redis;

/// <summary>Where and how a <see cref="RedisDeduplicationStore"/> keeps its keys.</summary>
public sealed class RedisDeduplicationStoreOptions
{
    /// <summary>The prefix <see cref="KeyPrefix"/> has when not set.</summary>
    public const string DefaultKeyPrefix = "mc:dedup:";

    /// <summary>
    /// The start of every key the store writes (one key per consumer group and message ID, and one sorted set of processed
    /// keys for the purge). Give two applications sharing a database different prefixes. Default <c>mc:dedup:</c>.
    /// </summary>
    public string KeyPrefix { get; set; } = DefaultKeyPrefix;

    /// <summary>The database number; -1 (the default) is the connection's default database.</summary>
    public int Database { get; set; } = -1;

    /// <summary>
    /// How long after its lease ran out an abandoned claim's key stays before Redis expires it. Until then the claim's
    /// owner can still renew it (if nobody took it over), as on the SQL stores; after that the message is simply
    /// claimable. Default 1 hour.
    /// </summary>
    public TimeSpan AbandonedClaimExpiry { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The clock for leases and processed times; <see cref="TimeProvider.System"/> when null. Every instance reads its
    /// own clock, not the Redis server's: the instances' clocks must agree to well within a lease (NTP does that).
    /// </summary>
    public TimeProvider? TimeProvider { get; set; }
}
