namespace MessageContracts.Redis;

/// <summary>Chooses the Redis deduplication store in <c>AddMessageContracts</c>.</summary>
public static class RedisDeduplicationOptionsExtensions
{
    /// <summary>
    /// Keeps the claims and processed message IDs of this service in Redis (<see cref="RedisDeduplicationStore"/>), shared
    /// by every instance: the same as setting <see cref="MessageContractsOptions.DeduplicationStore"/> to a new
    /// <see cref="RedisDeduplicationStore"/> with its own connection.
    /// </summary>
    /// <param name="options">The options being configured in <c>AddMessageContracts</c>.</param>
    /// <param name="configuration">A StackExchange.Redis configuration string, e.g. <c>localhost:6379</c>.</param>
    /// <param name="configure">Sets the store's key prefix, database or clock; optional.</param>
    /// <returns>The same options, for chaining.</returns>
    public static MessageContractsOptions UseRedisDeduplicationStore(this MessageContractsOptions options, string configuration, Action<RedisDeduplicationStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var storeOptions = new RedisDeduplicationStoreOptions();
        configure?.Invoke(storeOptions);
        options.DeduplicationStore = new RedisDeduplicationStore(configuration, storeOptions);
        return options;
    }
}
