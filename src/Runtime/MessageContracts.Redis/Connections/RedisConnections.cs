using StackExchange.Redis;

namespace MessageContracts.Redis;

/// <summary>How the package opens its own connections.</summary>
internal static class RedisConnections
{
    /// <summary>
    /// The options for <paramref name="configuration"/>, with <c>abortConnect=false</c>: a server that is down at start-up
    /// is retried in the background (commands fail until it answers, and their callers retry), instead of the
    /// multiplexer failing once and for good.
    /// </summary>
    public static ConfigurationOptions Options(string configuration, string clientName)
    {
        ArgumentException.ThrowIfNullOrEmpty(configuration);
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.ClientName ??= clientName;
        return options;
    }

    /// <summary>A connect to <paramref name="configuration"/> run on first use; the arguments are checked now.</summary>
    public static Func<Task<IConnectionMultiplexer>> Lazily(string configuration, string clientName = "messagecontracts")
    {
        var options = Options(configuration, clientName);
        return async () => await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
    }
}
