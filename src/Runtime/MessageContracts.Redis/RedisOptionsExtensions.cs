using MessageContracts.Redis;

namespace MessageContracts;

/// <summary>Chooses Redis Streams as the transport in <c>AddMessageContracts</c>.</summary>
public static class RedisOptionsExtensions
{
    /// <summary>The dead-letter suffix <c>UseRedis</c> sets when the default (<c>.dead-letter</c>) is in place: <c>&lt;stream&gt;:dead-letter</c>.</summary>
    public const string DeadLetterSuffix = ":dead-letter";

    /// <summary>
    /// Sends and receives every contract over Redis Streams on the server <paramref name="configuration"/> names: one
    /// stream per contract, a consumer group per consuming service for events, one shared group for a command.
    /// See docs/transports.md ("Redis").
    /// </summary>
    /// <param name="options">The options being configured in <c>AddMessageContracts</c>.</param>
    /// <param name="configuration">A StackExchange.Redis configuration string, e.g. <c>localhost:6379</c>.</param>
    /// <returns>The same options, for chaining.</returns>
    public static MessageContractsOptions UseRedis(this MessageContractsOptions options, string configuration) =>
        UseRedis(options, configuration, static _ => { });

    /// <summary>
    /// As <see cref="UseRedis(MessageContractsOptions, string)"/>, with the transport's settings (key prefix, retention per
    /// contract, polling, reclaim, delivery limit).
    /// </summary>
    /// <param name="options">The options being configured in <c>AddMessageContracts</c>.</param>
    /// <param name="configuration">A StackExchange.Redis configuration string, e.g. <c>localhost:6379</c>.</param>
    /// <param name="configure">Sets the transport's settings.</param>
    /// <returns>The same options, for chaining.</returns>
    public static MessageContractsOptions UseRedis(this MessageContractsOptions options, string configuration, Action<RedisTransportOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(configuration);
        ArgumentNullException.ThrowIfNull(configure);
        var settings = new RedisTransportOptions();
        configure(settings);
        RedisTransportOptionsValidation.Validate(settings);

        // Dead letters go to "<stream>:dead-letter", Redis's usual separator, unless the application chose a suffix.
        if (options.DeadLetterTopicSuffix == ".dead-letter")
        {
            options.DeadLetterTopicSuffix = DeadLetterSuffix;
        }

        return options.UseTransport(new RedisTransport(configuration, settings));
    }
}
